-- A nullable column without a default: a catalog-only change, safe on a table of any size
ALTER TABLE customers ADD COLUMN phone text;
