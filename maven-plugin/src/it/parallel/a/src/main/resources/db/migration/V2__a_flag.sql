ALTER TABLE customers ADD COLUMN a_flag boolean;
