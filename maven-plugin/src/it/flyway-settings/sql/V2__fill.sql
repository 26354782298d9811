INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 100) i;
