UPDATE orders SET status = 'shipped' WHERE status IS NULL;
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
