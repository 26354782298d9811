-- The valid CHECK proves the column has no NULLs: SET NOT NULL skips its scan.
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_status_present;
