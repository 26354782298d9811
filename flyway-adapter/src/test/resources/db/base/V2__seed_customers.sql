-- 10 000 customers; every 1000th shares its email with the one before it, in upper case, every 7th has no email.
INSERT INTO customers (email, name)
SELECT CASE
           WHEN g % 7 = 0 THEN NULL
           WHEN g % 1000 = 2 THEN upper('customer' || (g - 1) || '@example.com')
           ELSE 'customer' || g || '@example.com'
       END,
       'Customer ' || g
FROM generate_series(1, 10000) AS g;
