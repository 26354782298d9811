ALTER TABLE orders ADD COLUMN shipped boolean;
-- Same transaction: the ACCESS EXCLUSIVE lock of the ALTER is held while all 200 000 rows are read and updated.
UPDATE orders SET shipped = status IN ('shipped', 'delivered');
