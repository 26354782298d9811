-- A quick change to customers first...
ALTER TABLE customers ADD COLUMN tier text;
-- ...then, in the same transaction, orders (200 000 rows) is rewritten: customers stays locked, for reads and writes,
-- until the rewrite is done and the transaction commits.
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
