CREATE TABLE customers (
    id         bigserial PRIMARY KEY,
    email      text,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
