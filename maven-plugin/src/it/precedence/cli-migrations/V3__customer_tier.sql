-- Named by -Drehearsal.locations (the second of two comma-separated locations)
ALTER TABLE customers ADD COLUMN tier text;
