-- Fails on the real data: some emails differ only by case.
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
