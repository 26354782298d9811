package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Policy;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration-safety assertions against a production-like fixture database, on the tests' shared server: these
 * assertions take any target, the extension's own server is not what they test.
 */
class MigrationSafetyIT {
    private static final TestPostgres POSTGRES = TestPostgres.shared();

    private String fixture;
    @TempDir
    Path migrations;

    @BeforeEach
    void productionLikeFixture() throws Exception {
        fixture = POSTGRES.createDatabase("safety_fixture");
        Files.writeString(migrations.resolve("V1__customers.sql"), "CREATE TABLE customers (id int PRIMARY KEY, "
                + "email text); INSERT INTO customers SELECT i, 'c' || (i % 50) || '@example.com' "
                + "FROM generate_series(1, 200) i;");
        Flyway.configure().dataSource(POSTGRES.jdbcUrl(fixture), "postgres", null)
                .locations("filesystem:" + migrations).load().migrate();
    }

    @AfterEach
    void dropFixture() {
        POSTGRES.dropDatabase(fixture);
    }

    @Test
    void aSafeChangePassesAndTheFixtureIsUntouched() throws Exception {
        Files.writeString(migrations.resolve("V2__note.sql"), "ALTER TABLE customers ADD COLUMN note text;");

        Outcome outcome = MigrationSafety.assertSafe(rehearsal());

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(POSTGRES.query(fixture, "SELECT count(*) FROM flyway_schema_history"))
                .containsExactly("1");
        MigrationSafety.assertNoFinding(outcome, "table-rewrite", "blocking-lock");
    }

    @Test
    void aChangeThatFailsOnTheFixturesDataFailsTheTestWithTheServersWords() throws Exception {
        Files.writeString(migrations.resolve("V2__unique_email.sql"),
                "CREATE UNIQUE INDEX customers_email ON customers (email);");

        Throwable failure = catchThrowable(() -> MigrationSafety.assertSafe(rehearsal()));

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected the pending migrations to be safe, but the rehearsal says "
                        + "FAILED_ON_BRANCH")
                .hasMessageContaining("could not create unique index \"customers_email\"")
                .hasMessageContaining("SQLSTATE 23505");
        assertThat(MigrationSafety.assertVerdict(rehearsal(), Verdict.FAILED_ON_BRANCH).failure().sqlState())
                .isEqualTo("23505");
    }

    @Test
    void anUnwantedFindingIsNamedWithItsRemedy() throws Exception {
        Files.writeString(migrations.resolve("V2__bigint.sql"), "ALTER TABLE customers ALTER COLUMN id TYPE bigint;");
        // strict like a linter: any rewrite counts, however small the table (the default is scale-aware)
        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(fixture))
                .engine(FlywayEngine.of(Flyway.configure().locations("filesystem:" + migrations)))
                .policy(Policy.builder().rowsUnderLock(1).build()).load().rehearse();

        Throwable failure = catchThrowable(() -> MigrationSafety.assertNoFinding(outcome, "table-rewrite"));

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected no finding of [table-rewrite], found 1")
                .hasMessageContaining("safer: ");
    }

    private Rehearsal rehearsal() {
        return Rehearsal.configure().target(POSTGRES.location(fixture))
                .engine(FlywayEngine.of(Flyway.configure().locations("filesystem:" + migrations))).load();
    }
}
