-- Every customer collects loyalty points.
-- rehearsal:severity warning
SELECT id FROM customers WHERE loyalty_points IS NULL
