CREATE TABLE invoices (
    id          bigserial PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders (id),
    amount      bigint NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO invoices (order_id, amount) SELECT id, total_cents FROM orders WHERE status = 'shipped';
CREATE INDEX invoices_order_idx ON invoices (order_id);
