-- Drops a column that holds data: the notes are gone for good
ALTER TABLE customers DROP COLUMN note;
