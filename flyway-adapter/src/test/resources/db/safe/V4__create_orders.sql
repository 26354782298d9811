CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    total_cents bigint NOT NULL CHECK (total_cents >= 0)
);
INSERT INTO orders (customer_id, total_cents) SELECT id, id * 10 FROM customers WHERE id % 3 = 0;
-- so that deleting a customer finds its orders without scanning them
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
