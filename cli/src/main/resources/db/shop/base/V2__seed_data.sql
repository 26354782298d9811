-- Years of production data, generated deterministically, with the flaws real data has:
--  * 40 customers signed up twice, the second time with the same email in another case
--    (anna.schmidt499@example.com and Anna.Schmidt499@Example.Com): the application's case-sensitive lookup
--    never noticed;
--  * every 9th customer left the phone empty (NULL), the others wrote it in two different formats;
--  * the old ERP's customer numbers are text: mostly digits, but some are 'X-…' codes and some 'n/a', and
--    customers who signed up after the ERP was retired have none.
INSERT INTO customers (email, name, phone, country_code, legacy_code, created_at)
SELECT CASE WHEN g % 500 = 0 THEN initcap(email) ELSE email END,
       first || ' ' || last,
       CASE
           WHEN g % 9 = 0 THEN NULL
           WHEN g % 3 = 0 THEN '+49 30 ' || lpad((g * 7919 % 10000000)::text, 7, '0')
           ELSE '(555) ' || lpad((g % 1000)::text, 3, '0') || '-' || lpad((g * 31 % 10000)::text, 4, '0')
       END,
       (ARRAY ['DE', 'FR', 'US', 'GB', 'NL', 'PL', 'ES', 'IT'])[1 + p % 8],
       CASE
           WHEN g > 18000 THEN NULL
           WHEN g % 997 = 0 THEN 'n/a'
           WHEN g % 97 = 0 THEN 'X-' || g
           ELSE lpad((100000 + g)::text, 8, '0')
       END,
       timestamptz '2019-01-01 08:00:00+00' + g * interval '2 hours'
FROM generate_series(1, 20000) AS g
     -- a duplicate sign-up is the previous customer again
     CROSS JOIN LATERAL (SELECT CASE WHEN g % 500 = 0 THEN g - 1 ELSE g END AS p) person
     CROSS JOIN LATERAL (SELECT (ARRAY ['Anna', 'Ben', 'Chloé', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ida',
                                        'Jonas', 'Klara', 'Leon', 'Mia', 'Noah', 'Olga', 'Paul'])[1 + p % 16] AS first,
                                (ARRAY ['Schmidt', 'Martin', 'Smith', 'Jansen', 'Nowak', 'García', 'Rossi', 'Müller',
                                        'Dubois', 'Brown', 'de Vries', 'Kowalski', 'López'])[1 + p % 13] AS last) names
     CROSS JOIN LATERAL (SELECT translate(lower(first || '.' || last), 'áéíóü ', 'aeiou') || p || '@example.com'
                                    AS email) address
ORDER BY g;

INSERT INTO products (sku, name, price)
SELECT 'SKU-' || lpad(g::text, 5, '0'),
       (ARRAY ['Mug', 'T-shirt', 'Notebook', 'Backpack', 'Water bottle'])[1 + g % 5] || ' #' || g,
       4.99 + (g % 50) * 1.50
FROM generate_series(1, 200) AS g
ORDER BY g;

INSERT INTO orders (customer_id, status, ordered_at)
SELECT 1 + (g * 7919) % 20000,
       (ARRAY ['new', 'paid', 'shipped', 'shipped', 'shipped', 'cancelled'])[1 + g % 6],
       timestamptz '2021-01-01 00:00:00+00' + g * interval '37 minutes'
FROM generate_series(1, 30000) AS g
ORDER BY g;

INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price)
SELECT o.id, line, p.id, 1 + (o.id + line) % 4, p.price
FROM orders o
     CROSS JOIN LATERAL generate_series(1, 1 + o.id % 3) AS line
     JOIN products p ON p.id = 1 + (o.id * 31 + line * 17) % 200;

ANALYZE customers, products, orders, order_lines;
