CREATE TABLE invoices (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    issued   date NOT NULL DEFAULT current_date
);
