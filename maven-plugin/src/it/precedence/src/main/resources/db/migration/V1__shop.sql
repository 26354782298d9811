CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, note text);
INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'note ' || i FROM generate_series(1, 200) i;
