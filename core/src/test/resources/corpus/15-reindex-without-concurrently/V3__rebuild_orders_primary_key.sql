REINDEX INDEX orders_pkey;
