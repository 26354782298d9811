ALTER TABLE audit_log ALTER COLUMN entity_id TYPE integer;
