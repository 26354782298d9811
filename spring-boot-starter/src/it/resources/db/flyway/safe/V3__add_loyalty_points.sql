-- a nullable column without a default: no rewrite, a moment's lock
ALTER TABLE customers ADD COLUMN loyalty_points integer;
