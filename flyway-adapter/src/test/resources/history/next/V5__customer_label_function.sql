CREATE FUNCTION customer_label(c_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    label text;
BEGIN
    SELECT name || ' <' || email_address || '>' INTO label FROM customers WHERE id = c_id;
    RETURN coalesce(label, 'unknown customer: phone and address are in the CRM');
END;
$$;
