-- Contract: the copy replaces the old column; the values are the same, so nothing is lost.
ALTER TABLE customers DROP COLUMN credit_limit;
ALTER TABLE customers RENAME COLUMN credit_limit_new TO credit_limit;
