-- Long enough for a test to stop the JVM while it runs on the branch.
SELECT pg_sleep(120);
