-- Give up rather than queue every query on customers behind this ALTER.
SET lock_timeout = '5s';

ALTER TABLE customers ADD COLUMN loyalty_tier text;
