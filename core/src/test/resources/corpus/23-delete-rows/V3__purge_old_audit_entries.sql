DELETE FROM audit_log WHERE at < timestamptz '2023-04-01 00:00:00+00';
