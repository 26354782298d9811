ALTER TABLE customers RENAME COLUMN phone TO phone_number;
