package dev.rehearsal.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A migration that would act beyond its database, rehearsed on a branch that shares the target's server: the
 * statement never reaches the server — the server's databases, roles, tablespaces, configuration, sessions and files
 * are as they were, every other database too — and the run is BLOCKED (exit 1) with a finding naming the migration
 * and the statement.
 */
class OutsideBranchIT {
    private static final String[] SHOP = {"CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
            "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 100) i"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "DROP DATABASE IF EXISTS {other}",
            "CREATE DATABASE rehearsal_guard_new",
            "ALTER DATABASE {target} SET work_mem = '64MB'",
            "ALTER DATABASE {other} RENAME TO rehearsal_guard_renamed",
            "REVOKE CONNECT ON DATABASE {other} FROM PUBLIC",
            "CREATE ROLE rehearsal_guard_role LOGIN",
            "ALTER ROLE {role} CREATEROLE",
            "DROP ROLE {role}",
            "GRANT pg_monitor TO {role}",
            "ALTER SYSTEM SET work_mem = '64MB'",
            "CREATE TABLESPACE rehearsal_guard_space LOCATION '/tmp'",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'bystander'",
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'bystander'",
            "SELECT dblink_exec('dbname={other}', 'DELETE FROM customers')",
            "COPY (SELECT 1) TO PROGRAM 'touch /tmp/rehearsal_guard_program'",
            "COPY customers TO '/tmp/rehearsal_guard_copy'",
            "SELECT lo_export(lo_from_bytea(0, 'x'), '/tmp/rehearsal_guard_lo')",
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rehearsal_guard_do') THEN "
                    + "CREATE ROLE rehearsal_guard_do; END IF; END $$",
    })
    void aStatementBeyondTheBranchIsNeverRunAndBlocks(String template) throws Exception {
        String target = databases.create("guard", SHOP);
        String other = databases.create("guard_other", SHOP);
        String role = databases.role("guard_member", "secret");
        postgres.execute(target, "CREATE EXTENSION IF NOT EXISTS dblink");
        String statement = template.replace("{target}", target).replace("{other}", other).replace("{role}", role);
        String server = serverState();
        String targetBefore = postgres.describe(target);
        String otherBefore = postgres.describe(other);
        try (Connection bystander = postgres.openSession("postgres", "bystander")) {
            Outcome outcome = Rehearsal.configure().target(postgres.location(target))
                    .engine(new ScriptEngine().migration("1", "ALTER TABLE customers ADD COLUMN note text")
                            .migration("2", statement))
                    .load().run();

            assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
            assertThat(outcome.findings()).filteredOn(Finding::isBlocking).isNotEmpty().allSatisfy(finding -> {
                assertThat(finding.kind()).isEqualTo(FindingKinds.OUTSIDE_BRANCH);
                assertThat(finding.migration()).isEqualTo("2");
                assertThat(finding.statement()).isEqualTo(statement);
                assertThat(finding.evidence()).containsEntry("executed", false);
            });
            assertThatThrownBy(outcome::orThrow).isInstanceOfSatisfying(RehearsalException.class,
                    e -> assertThat(e.code().exitCode()).isEqualTo(1));
            assertThat(bystander.isValid(2)).as("the bystander's session").isTrue();
        }
        assertThat(serverState()).isEqualTo(server);
        assertThat(postgres.describe(other)).isEqualTo(otherBefore);
        assertThat(postgres.describe(target)).isEqualTo(targetBefore);
        assertThat(postgres.branchesOf(target)).isEmpty();
        for (String file : List.of("/tmp/rehearsal_guard_program", "/tmp/rehearsal_guard_copy",
                "/tmp/rehearsal_guard_lo")) {
            assertThat(Path.of(file)).doesNotExist();
        }
    }

    @Test
    void aMigrationThatDropsTheTargetIsDataLoss() {
        String target = databases.create("guard_drop", SHOP);
        String databasesBefore = String.join(",", postgres.databases());

        Outcome outcome = Rehearsal.configure().target(postgres.location(target))
                .engine(new ScriptEngine().migration("1!", "DROP DATABASE IF EXISTS " + target)).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(FindingKinds.DATA_LOSS);
            assertThat(finding.isBlocking()).isTrue();
            assertThat(finding.migration()).isEqualTo("1!");
            assertThat(finding.message()).contains("drops the target database itself");
        });
        assertThat(String.join(",", postgres.databases())).isEqualTo(databasesBefore);
        assertThat(outcome.verdict().isSuccess()).isFalse();
        assertThat(ErrorCode.BLOCKED.exitCode()).isEqualTo(1);
    }

    @Test
    void migrationsThatStayInTheirDatabaseAreUntouchedByTheGuard() {
        String target = databases.create("guard_safe", SHOP);

        Outcome outcome = Rehearsal.configure().target(postgres.location(target))
                .engine(new ScriptEngine().migration("1", "CREATE TABLE users (id int, \"user\" text, role text)",
                        "GRANT SELECT ON users TO PUBLIC", "COMMENT ON TABLE users IS 'the database users'",
                        "DO $$ BEGIN RAISE NOTICE 'a role for each user'; END $$")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(postgres.query(target, "SELECT obj_description('users'::regclass)"))
                .containsExactly("the database users");
    }

    /** Everything a branch shares with the target: databases, roles and memberships, tablespaces, settings. */
    private String serverState() throws Exception {
        List<String> state = new ArrayList<>(postgres.inOneSession("postgres", queries -> Stream.of(
                "SELECT datname || ' ' || pg_get_userbyid(datdba) || ' ' || coalesce(datacl::text, '-') || ' ' "
                        + "|| datconnlimit FROM pg_database ORDER BY 1",
                "SELECT rolname || ' ' || rolsuper || rolcreaterole || rolcreatedb || rolcanlogin FROM pg_roles "
                        + "ORDER BY 1",
                "SELECT roleid::regrole || ' > ' || member::regrole FROM pg_auth_members ORDER BY 1",
                "SELECT spcname FROM pg_tablespace ORDER BY 1",
                "SELECT setdatabase || ' ' || setrole || ' ' || setconfig::text FROM pg_db_role_setting ORDER BY 1")
                .flatMap(sql -> queries.query(sql).stream()).toList()));
        Path autoConf = Path.of(postgres.query("postgres", "SHOW data_directory").get(0), "postgresql.auto.conf");
        state.add(Files.exists(autoConf) ? Files.readString(autoConf) : "no postgresql.auto.conf");
        return String.join("\n", state);
    }
}
