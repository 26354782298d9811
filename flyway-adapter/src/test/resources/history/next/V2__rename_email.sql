-- The contact form now distinguishes addresses: email becomes email_address.
ALTER TABLE customers RENAME COLUMN email TO email_address;
