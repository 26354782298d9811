-- No customer has a blank email.
-- rehearsal:severity warning
SELECT id FROM customers WHERE email = '';
