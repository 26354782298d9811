-- CONCURRENTLY cannot run in a transaction (see the .conf).
CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
