ALTER TABLE audit_log RENAME TO audit_events;
-- The old name stays usable (reads and writes: the view is automatically updatable) until the application moves.
CREATE VIEW audit_log AS SELECT * FROM audit_events;
