-- the new name is right, but the version of the application still running (and the entity) reads name
ALTER TABLE customers RENAME COLUMN name TO full_name;
