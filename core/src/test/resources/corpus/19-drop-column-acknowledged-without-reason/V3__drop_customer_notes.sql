-- rehearsal:allow data-loss
ALTER TABLE customers DROP COLUMN notes;
