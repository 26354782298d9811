-- every customer still has a legacy code: dropping the column loses them
ALTER TABLE customers DROP COLUMN legacy_code;
