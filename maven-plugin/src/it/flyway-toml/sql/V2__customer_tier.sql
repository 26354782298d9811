ALTER TABLE customers ADD COLUMN tier text;
COMMENT ON COLUMN customers.tier IS 'default tier: ${default_tier}';
