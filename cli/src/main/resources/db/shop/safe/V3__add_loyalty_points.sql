-- Nullable with a constant default: since PostgreSQL 11 a catalog-only change, no table rewrite.
ALTER TABLE customers ADD COLUMN loyalty_points integer DEFAULT 0;
