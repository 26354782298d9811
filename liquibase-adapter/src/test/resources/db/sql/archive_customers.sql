CREATE TABLE ${archive} AS SELECT * FROM customers;
