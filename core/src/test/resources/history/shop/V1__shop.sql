-- The shop as it runs in production: customers, products, orders with their lines.
CREATE TABLE customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    phone      text,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE products (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku   text NOT NULL UNIQUE,
    price integer NOT NULL
);
CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status      text,
    placed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id ON orders (customer_id);
CREATE TABLE order_lines (
    order_id   bigint NOT NULL REFERENCES orders (id),
    product_id bigint NOT NULL REFERENCES products (id),
    quantity   integer NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

INSERT INTO customers (email, phone, name)
SELECT 'c' || g || '@example.com', '+41 79 ' || g, 'Customer ' || g FROM generate_series(1, 20000) g;
INSERT INTO products (sku, price) SELECT 'SKU-' || g, 100 + g % 900 FROM generate_series(1, 500) g;
INSERT INTO orders (customer_id, status)
SELECT 1 + g % 20000, CASE WHEN g % 10 = 0 THEN 'cancelled' WHEN g % 7 = 0 THEN NULL ELSE 'shipped' END
FROM generate_series(1, 40000) g;
INSERT INTO order_lines (order_id, product_id, quantity) SELECT g, 1 + g % 500, 1 + g % 3 FROM generate_series(1, 40000) g;
