CREATE TABLE accounts (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner   text   NOT NULL,
    balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0)
);
