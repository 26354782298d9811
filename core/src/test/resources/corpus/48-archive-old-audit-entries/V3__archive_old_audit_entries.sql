CREATE TABLE audit_log_archive (LIKE audit_log INCLUDING ALL);

-- The rows leave audit_log and arrive in the archive in one statement.
WITH gone AS (
    DELETE FROM audit_log WHERE at < timestamptz '2023-04-01 00:00:00+00' RETURNING *
)
INSERT INTO audit_log_archive SELECT * FROM gone;
