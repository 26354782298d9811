DROP VIEW order_totals;
ALTER TABLE products ALTER COLUMN price TYPE bigint;
