ALTER TABLE audit_log RENAME TO audit_events;
