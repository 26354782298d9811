ALTER TABLE customers ALTER COLUMN credit_limit TYPE numeric(12,0);
