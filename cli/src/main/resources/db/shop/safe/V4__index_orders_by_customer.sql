-- CONCURRENTLY: orders stay writable while the index builds. Flyway runs this migration outside a transaction
-- by itself, as CONCURRENTLY requires.
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
