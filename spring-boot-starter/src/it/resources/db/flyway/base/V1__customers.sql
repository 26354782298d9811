CREATE TABLE customers (
    id          bigint PRIMARY KEY,
    name        text NOT NULL,
    legacy_code text
);
