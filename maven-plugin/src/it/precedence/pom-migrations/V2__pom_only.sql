-- Only the POM's <locations> name this directory: the build's -Drehearsal.locations must win, so it never runs
ALTER TABLE customers ADD COLUMN from_pom text;
