-- Copy in batches that commit on their own.
UPDATE customers SET credit_limit_new = credit_limit WHERE id <= 50000;
UPDATE customers SET credit_limit_new = credit_limit WHERE id > 50000;
