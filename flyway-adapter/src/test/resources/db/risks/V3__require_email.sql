-- Fails on the real data: every 7th customer has no email.
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
