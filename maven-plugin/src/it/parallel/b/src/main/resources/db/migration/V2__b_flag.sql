ALTER TABLE customers ADD COLUMN b_flag boolean;
