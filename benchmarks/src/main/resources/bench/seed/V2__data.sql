INSERT INTO customers (id, email, name, country)
SELECT g, 'customer' || g || '@example.com', 'Customer ' || g, (ARRAY['NL', 'DE', 'FR', 'BE'])[g % 4 + 1]
FROM generate_series(1, 200000) g;
INSERT INTO orders (id, customer_id, total_cents, status, placed_at)
SELECT g, g % 200000 + 1, (g * 37) % 100000, (ARRAY['new', 'paid', 'shipped'])[g % 3 + 1],
       now() - (g % 1000) * interval '1 hour'
FROM generate_series(1, 400000) g;
INSERT INTO events (kind, payload) SELECT 'seed', repeat('x', 50) FROM generate_series(1, 50000);
