CREATE TABLE customers (
    id          bigint PRIMARY KEY,
    email       text NOT NULL,
    name        text NOT NULL,
    country     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    total_cents bigint NOT NULL,
    status      text NOT NULL,
    placed_at   timestamptz NOT NULL
);
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    payload     text
);
