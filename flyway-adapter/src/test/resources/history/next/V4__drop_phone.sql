-- Phone numbers moved to the CRM.
-- rehearsal:allow data-loss: the CRM import of 2026-11 holds every phone number
DROP VIEW customer_contacts;
ALTER TABLE customers DROP COLUMN phone;
