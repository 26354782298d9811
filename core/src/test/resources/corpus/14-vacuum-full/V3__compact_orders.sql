-- VACUUM cannot run in a transaction (see the .conf).
VACUUM FULL orders;
