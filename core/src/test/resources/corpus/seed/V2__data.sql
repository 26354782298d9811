-- Deterministic data with the flaws real data has.

-- 100 000 customers. Every 1 000th repeats the previous customer's email in another case (lower(email) has 100
-- duplicates, email itself none); every 7th has no phone; every 5 000th has a non-numeric legacy code; every third
-- has notes.
INSERT INTO customers (id, email, name, phone, legacy_code, credit_limit, notes, created_at)
SELECT g,
       CASE WHEN g % 1000 = 0 THEN 'Customer' || (g - 1) || '@Example.com' ELSE 'customer' || g || '@example.com' END,
       'Customer ' || g,
       CASE WHEN g % 7 = 0 THEN NULL ELSE '+1555' || lpad(g::text, 7, '0') END,
       CASE WHEN g % 5000 = 0 THEN 'X-' || g ELSE g::text END,
       (g % 500) * 10.25,
       CASE WHEN g % 3 = 0 THEN 'note about customer ' || g END,
       timestamptz '2020-01-01 00:00:00+00' + g * interval '10 minutes'
FROM generate_series(1, 100000) AS g;
SELECT setval(pg_get_serial_sequence('customers', 'id'), 100000);

-- 200 000 orders. Every customer_id exists; every 50th order has a referrer, and every 10 000th a referrer that
-- does not exist; every 100th has a coupon of 13 characters.
INSERT INTO orders (id, customer_id, referrer_id, status, total, quantity, coupon, placed_at)
SELECT g,
       g % 100000 + 1,
       CASE WHEN g % 10000 = 0 THEN 1000000 + g WHEN g % 50 = 0 THEN (g * 7) % 100000 + 1 END,
       (ARRAY['new', 'paid', 'shipped', 'delivered'])[g % 4 + 1],
       (g % 1000) + 0.99,
       g % 10 + 1,
       CASE WHEN g % 100 = 0 THEN 'SUMMER-' || lpad(g::text, 6, '0') END,
       timestamptz '2022-01-01 00:00:00+00' + g * interval '3 minutes'
FROM generate_series(1, 200000) AS g;
SELECT setval(pg_get_serial_sequence('orders', 'id'), 200000);

-- 120 000 audit entries, one every 5 minutes from 2023-01-01 (25 920 of them before 2023-04-01).
INSERT INTO audit_log (id, entity, entity_id, action, at)
SELECT g,
       CASE WHEN g % 2 = 0 THEN 'order' ELSE 'customer' END,
       g % 100000 + 1,
       (ARRAY['create', 'update', 'delete'])[g % 3 + 1],
       timestamptz '2023-01-01 00:00:00+00' + (g - 1) * interval '5 minutes'
FROM generate_series(1, 120000) AS g;
SELECT setval(pg_get_serial_sequence('audit_log', 'id'), 120000);

-- newsletter_drafts stays empty.
