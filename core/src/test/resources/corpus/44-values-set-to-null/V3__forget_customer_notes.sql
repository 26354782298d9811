UPDATE customers SET notes = NULL WHERE notes IS NOT NULL;
