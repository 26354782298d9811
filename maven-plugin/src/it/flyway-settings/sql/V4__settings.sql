-- which source each placeholder came from: the file, the POM, the environment
CREATE TABLE settings AS SELECT '${a}' AS a, '${b}' AS b, '${c}' AS c;
