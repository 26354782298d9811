--liquibase formatted sql

--changeset shop:drop-customer-created-at stripComments:false
-- rehearsal:allow data-loss, breaking-change: the sign-up time is kept in the CRM since ticket OPS-981
ALTER TABLE customers DROP COLUMN created_at;
