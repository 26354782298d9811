ALTER TABLE orders VALIDATE CONSTRAINT orders_referrer_fk;
