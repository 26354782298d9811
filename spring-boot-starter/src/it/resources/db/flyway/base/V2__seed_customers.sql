INSERT INTO customers (id, name, legacy_code)
SELECT n, 'customer ' || n, 'L-' || n FROM generate_series(1, 1000) AS n;
