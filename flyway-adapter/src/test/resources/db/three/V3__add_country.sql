ALTER TABLE customers ADD COLUMN country text;
UPDATE customers SET country = 'NL' WHERE id % 2 = 0;
