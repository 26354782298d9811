ALTER TABLE customers ADD CONSTRAINT customers_legacy_code_numeric CHECK (legacy_code ~ '^[0-9]+$');
