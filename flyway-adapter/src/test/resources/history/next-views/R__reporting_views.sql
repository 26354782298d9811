-- Reporting views, re-created whenever this file changes.
CREATE OR REPLACE VIEW customer_contacts AS
SELECT id, name, email_address FROM customers;

CREATE OR REPLACE VIEW order_totals AS
SELECT o.id AS order_id, o.customer_id, o.status, sum(l.quantity * p.price) AS total
FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
GROUP BY o.id, o.customer_id, o.status;
