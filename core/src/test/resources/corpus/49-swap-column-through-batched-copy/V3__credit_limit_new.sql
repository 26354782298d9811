-- Expand: a wider column next to the old one (a constant default: no rewrite).
ALTER TABLE customers ADD COLUMN credit_limit_new numeric(14,2) NOT NULL DEFAULT 0;
