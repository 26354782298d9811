-- Slow on the target only (branches are named rehearsal_...), so that a test can kill the runner between V3 and V4.
ALTER TABLE customers ADD COLUMN segment text;
DO $$
BEGIN
    IF current_database() NOT LIKE 'rehearsal\_%' THEN
        PERFORM pg_sleep(4);
    END IF;
END
$$;
