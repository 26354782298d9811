ALTER TABLE customers ADD COLUMN late_column text;
