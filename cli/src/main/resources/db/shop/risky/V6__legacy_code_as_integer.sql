-- The ERP's customer numbers as numbers. Never reached here, because V5 fails first; it would fail as well
-- ('X-97' and 'n/a' are not integers): fix V5, rehearse again, and the rehearsal shows this one.
ALTER TABLE customers ALTER COLUMN legacy_code TYPE integer USING legacy_code::integer;
