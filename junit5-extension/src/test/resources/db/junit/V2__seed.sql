INSERT INTO accounts (owner, balance) VALUES ('house', 1000);
