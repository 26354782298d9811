ALTER TABLE customers ALTER COLUMN legacy_code TYPE integer USING legacy_code::integer;
