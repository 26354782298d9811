CREATE TABLE IF NOT EXISTS migrate_log (at timestamptz DEFAULT now());
INSERT INTO migrate_log DEFAULT VALUES;
