package dev.rehearsal.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.internal.pipeline.OutsideBranch;
import dev.rehearsal.internal.pipeline.OutsideBranch.Effect;
import dev.rehearsal.internal.pipeline.OutsideBranch.Reach;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutsideBranchTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "DROP DATABASE IF EXISTS shop                                  | DATABASES            | DROP DATABASE shop",
            "drop database \"Shop\" with (force)                           | DATABASES            | DROP DATABASE Shop",
            "CREATE DATABASE other TEMPLATE template0                      | DATABASES            | CREATE DATABASE other",
            "ALTER DATABASE shop SET timezone = 'UTC'                      | DATABASES            | ALTER DATABASE shop",
            "ALTER DATABASE shop RENAME TO old_shop                        | DATABASES            | ALTER … RENAME DATABASE shop",
            "ALTER DATABASE shop OWNER TO bob                              | DATABASES            | ALTER … OWNER DATABASE shop",
            "COMMENT ON DATABASE shop IS 'x'                               | DATABASES            | COMMENT ON DATABASE shop",
            "GRANT CONNECT ON DATABASE shop TO PUBLIC                      | DATABASES            | GRANT … ON DATABASE shop",
            "CREATE ROLE reader LOGIN PASSWORD 'secret'                    | ROLES                | CREATE ROLE reader",
            "CREATE USER app                                               | ROLES                | CREATE USER app",
            "create group admins                                           | ROLES                | CREATE GROUP admins",
            "ALTER ROLE app SET search_path = shop                         | ROLES                | ALTER ROLE app",
            "ALTER USER app WITH SUPERUSER                                 | ROLES                | ALTER ROLE app",
            "DROP ROLE IF EXISTS reader                                    | ROLES                | DROP ROLE reader",
            "DROP USER app                                                 | ROLES                | DROP ROLE app",
            "GRANT admins TO app                                           | ROLES                | GRANT membership in role admins",
            "REVOKE admins FROM app                                        | ROLES                | REVOKE membership in role admins",
            "REASSIGN OWNED BY app TO postgres                             | ROLES                | REASSIGN OWNED",
            "ALTER SYSTEM SET work_mem = '1GB'                             | SERVER_CONFIGURATION | ALTER SYSTEM work_mem",
            "CREATE TABLESPACE fast LOCATION '/mnt/fast'                   | TABLESPACES          | CREATE TABLESPACE fast",
            "DROP TABLESPACE fast                                          | TABLESPACES          | DROP TABLESPACE fast",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity        | OTHER_SESSIONS       | pg_terminate_backend()",
            "select pg_catalog.pg_cancel_backend(42)                       | OTHER_SESSIONS       | pg_cancel_backend()",
            "SELECT dblink_exec('dbname=shop', 'DELETE FROM orders')       | OTHER_SERVERS        | dblink_exec()",
            "SELECT * FROM dblink('host=db', 'SELECT 1') AS t(x int)       | OTHER_SERVERS        | dblink()",
            "CREATE SUBSCRIPTION s CONNECTION 'host=db' PUBLICATION p      | OTHER_SERVERS        | SUBSCRIPTION s",
            "COPY t FROM PROGRAM 'curl http://x'                           | SERVER_FILES         | COPY … PROGRAM curl http://x",
            "COPY t TO '/tmp/t.csv'                                        | SERVER_FILES         | COPY … TO server file /tmp/t.csv",
            "SELECT lo_export(16385, '/tmp/blob')                          | SERVER_FILES         | lo_export()",
            "SELECT pg_read_file('/etc/passwd')                            | SERVER_FILES         | pg_read_file()",
            "INSERT INTO t SELECT pg_reload_conf()                         | SERVER_CONFIGURATION | pg_reload_conf()",
            "SELECT U&\"\\0070g_terminate_backend\"(1)                        | OTHER_SESSIONS       | pg_terminate_backend()",
    })
    void recognisesWhatReachesBeyondTheDatabase(String sql, Reach reach, String described) {
        List<Effect> effects = OutsideBranch.of(sql);

        assertThat(effects).extracting(Effect::reach).containsExactly(reach);
        assertThat(effects).extracting(Effect::describe).containsExactly(described);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "CREATE TABLE users (id int, \"user\" text, role text, database text)",
            "INSERT INTO users (role) VALUES ('DROP DATABASE shop')",
            "SELECT 'CREATE ROLE x', pg_typeof(1)",
            "GRANT SELECT ON users TO reader",
            "REVOKE ALL ON SCHEMA shop FROM PUBLIC",
            "CREATE INDEX CONCURRENTLY i ON users (role)",
            "COPY users FROM STDIN",
            "COMMENT ON TABLE users IS 'database users'",
            "ALTER TABLE users RENAME TO members",
            "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'SELECT pg_terminate_backend(1)'",
            "SELECT * FROM pg_roles",
            "DO $$ BEGIN RAISE NOTICE 'no database here'; END $$",
            "SELEC 1 FROM drop database",
    })
    void leavesAloneWhatStaysInTheDatabase(String sql) {
        assertThat(OutsideBranch.of(sql)).isEmpty();
    }

    @Test
    void readsTheStatementsOfADoBlock() {
        List<Effect> effects = OutsideBranch.of("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles "
                + "WHERE rolname = 'reader') THEN CREATE ROLE reader; END IF; PERFORM pg_terminate_backend(1); END $$");

        assertThat(effects).extracting(Effect::describe)
                .containsExactlyInAnyOrder("CREATE ROLE reader", "pg_terminate_backend()");
    }

    @Test
    void readsTheConstantTextOfDynamicSql() {
        List<Effect> effects = OutsideBranch.of("DO LANGUAGE plpgsql $body$ DECLARE r text := 'app'; BEGIN "
                + "EXECUTE 'DROP DATABASE other'; EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, 'pw'); END "
                + "$body$");

        assertThat(effects).extracting(Effect::describe)
                .containsExactlyInAnyOrder("DROP DATABASE other", "CREATE ROLE x");
    }

    @Test
    void readsEveryStatementOfAScript() {
        List<Effect> effects = OutsideBranch.of("CREATE TABLE t (id int); CREATE ROLE a; GRANT a TO b; "
                + "ALTER DATABASE shop SET work_mem = '64MB'");

        assertThat(effects).extracting(Effect::reach)
                .containsExactly(Reach.ROLES, Reach.ROLES, Reach.DATABASES);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "INSERT INTO orders (id, total) VALUES (1, 2.50)",
            "INSERT INTO accounts (name, kind) VALUES ('admin user', 'group'), ('it''s a role', 'database')",
            "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
            "-- grant the role\nCREATE TABLE t (id int) /* drop database /* nested */ user */",
            "INSERT INTO \"user\" (id) VALUES (1)",
            "SELECT $1::text, a$b FROM t",
            "INSERT INTO files (path, data) VALUES ('C:\\users\\group', '\\x00ff'), (E'\\n role', 'user')",
    })
    void aStatementWhoseCodeNamesNoneOfTheWordsIsNotParsed(String sql) {
        assertThat(OutsideBranch.mayReachOutside(sql)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "SELECT U&\"\\0070g_terminate_backend\"(1)",
            "SELECT \"pg_terminate_backend\"(1)",
            "INSERT INTO t VALUES ('a\\'); CREATE ROLE x; --')",
            "INSERT INTO t VALUES (E'\\\\'); CREATE ROLE x",
            "INSERT INTO t VALUES (E'\\\\', '\\x00'); CREATE ROLE x",
            "INSERT INTO t VALUES ('\\x00', E'it\\'s'); CREATE ROLE x; --')",
            "COMMENT ON FUNCTION f IS $$it's$$; CREATE ROLE x",
            "DO $body$ BEGIN EXECUTE 'DROP ROLE r'; END $body$",
            "SELECT 1; do $$ begin end $$",
            "/* a comment */ GRANT admins TO app",
            "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM dblink_exec('x', 'y'); END $$",
    })
    void aStatementThatMayReachOutsideIsParsed(String sql) {
        assertThat(OutsideBranch.mayReachOutside(sql)).isTrue();
    }

    @Test
    void aLargeInsertOfByteaLiteralsIsNotParsed() {
        StringBuilder insert = new StringBuilder("INSERT INTO blobs (id, data) VALUES ");
        for (int i = 0; i < 1_000; i++) {
            insert.append(i == 0 ? "" : ",").append('(').append(i).append(", '\\x").append("00ff".repeat(64))
                    .append("')");
        }

        assertThat(OutsideBranch.mayReachOutside(insert.toString())).isFalse();
    }

    @Test
    void aLargeInsertOfRowsThatMentionTheWordsIsNotParsed() {
        StringBuilder insert = new StringBuilder("INSERT INTO accounts (id, name, kind) VALUES ");
        for (int i = 0; i < 100_000; i++) {
            insert.append(i == 0 ? "" : ",").append('(').append(i).append(", 'user ").append(i).append("', 'group')");
        }

        assertThat(OutsideBranch.of(insert.toString())).isEmpty();
        assertThat(OutsideBranch.mayReachOutside(insert.toString())).isFalse();
    }
}
