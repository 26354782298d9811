-- rehearsal:allow data-loss: customer notes were moved to the CRM in ticket OPS-1234
ALTER TABLE customers DROP COLUMN notes;
