-- Each batch commits on its own.
UPDATE orders SET status = upper(status) WHERE id <= 50000;
UPDATE orders SET status = upper(status) WHERE id > 50000 AND id <= 100000;
UPDATE orders SET status = upper(status) WHERE id > 100000 AND id <= 150000;
UPDATE orders SET status = upper(status) WHERE id > 150000;
