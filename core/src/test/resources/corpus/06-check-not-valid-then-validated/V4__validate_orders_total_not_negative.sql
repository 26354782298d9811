ALTER TABLE orders VALIDATE CONSTRAINT orders_total_not_negative;
