--liquibase formatted sql

--changeset shop:add-country
ALTER TABLE customers ADD COLUMN country text;
UPDATE customers SET country = 'NL' WHERE id % 2 = 0;

--changeset shop:require-email
--comment: fails on the real data: every 7th customer has no email
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;

--changeset shop:index-country
CREATE INDEX customers_country_idx ON customers (country);
