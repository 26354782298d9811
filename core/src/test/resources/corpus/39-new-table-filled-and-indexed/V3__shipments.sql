CREATE TABLE shipments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   bigint NOT NULL REFERENCES orders (id),
    carrier    text   NOT NULL,
    shipped_at timestamptz NOT NULL
);
INSERT INTO shipments (order_id, carrier, shipped_at)
SELECT g, 'carrier-' || g % 5, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour'
FROM generate_series(1, 1000) AS g;
CREATE INDEX shipments_order_id_idx ON shipments (order_id);
