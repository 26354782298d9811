-- Frozen and analyzed, so that every copy of the target starts alike: no hint bits left to set, statistics in
-- place. VACUUM cannot run in a transaction (see the .conf).
VACUUM (FREEZE, ANALYZE);
