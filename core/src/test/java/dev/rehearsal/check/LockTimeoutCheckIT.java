package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A migration that takes a blocking lock with nothing bounding its wait, as a plain deploy would run it. */
class LockTimeoutCheckIT {
    private static final String[] ORDERS = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL)",
            "INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 1000) g",
            "CREATE TABLE coupons (code text PRIMARY KEY)"};
    private static final String ALTER = "ALTER TABLE orders ADD COLUMN shipped boolean";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private Rehearsal.Builder rehearsal(String target, ScriptEngine migrations) {
        return Rehearsal.configure().target(postgres.location(target)).engine(migrations);
    }

    private Outcome rehearse(ScriptEngine migrations) {
        return rehearsal(databases.create("timeouts", ORDERS), migrations).load().rehearse();
    }

    private static List<Finding> unbounded(Outcome outcome) {
        return outcome.findings().stream().filter(f -> f.kind().equals(FindingKinds.NO_LOCK_TIMEOUT)).toList();
    }

    @Test
    void aLockWithoutLockTimeoutIsAWarningWhenSomeoneElseDeploys() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "CREATE TABLE notes (id int)", ALTER,
                "CREATE INDEX ON orders (status)"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(unbounded(outcome)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.migration()).isEqualTo("1");
            assertThat(finding.statement()).isEqualTo(ALTER);
            assertThat(finding.message()).contains("locks public.orders in ACCESS EXCLUSIVE mode")
                    .contains("by a plain migrate");
            assertThat(finding.evidence()).containsEntry("relation", "public.orders")
                    .containsEntry("lockMode", "ACCESS EXCLUSIVE").containsEntry("blocksReads", true)
                    .containsEntry("tableRows", 1000L).doesNotContainKey("promotionLockTimeoutMillis");
            assertThat(finding.remedy()).contains("SET lock_timeout");
        });
    }

    @Test
    void aTableWithoutDataGetsItTooEachMigrationOnce() {
        Outcome outcome = rehearse(new ScriptEngine()
                .migration("1", "CREATE INDEX ON coupons (lower(code))")
                .migration("2", "ALTER TABLE coupons ADD COLUMN note text", ALTER));

        assertThat(unbounded(outcome)).extracting(Finding::migration, Finding::statement).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1", "CREATE INDEX ON coupons (lower(code))"),
                org.assertj.core.groups.Tuple.tuple("2", "ALTER TABLE coupons ADD COLUMN note text"));
        assertThat(unbounded(outcome).get(0).evidence()).containsEntry("lockMode", "SHARE")
                .containsEntry("blocksReads", false).containsEntry("tableRows", 0L);
    }

    @Test
    void aLockTimeoutSetBeforeTheLockBoundsIt() {
        for (String set : List.of("SET lock_timeout = '5s'", "SET LOCAL lock_timeout TO 2000",
                "SELECT set_config('lock_timeout', '3s', true)", "SET SESSION lock_timeout = '1min'")) {
            Outcome outcome = rehearse(new ScriptEngine().migration("1", set, ALTER));

            assertThat(unbounded(outcome)).as(set).isEmpty();
        }
    }

    @Test
    void aLockTimeoutSetAfterTheLockOrTurnedOffOrResetBoundsNothing() {
        for (List<String> statements : List.of(List.of(ALTER, "SET lock_timeout = '5s'"),
                List.of("SET lock_timeout = 0", ALTER),
                List.of("SET lock_timeout = '5s'", "SET LOCAL lock_timeout = '0ms'", ALTER),
                List.of("SELECT set_config('lock_timeout', '5s', false)", "RESET lock_timeout", ALTER))) {
            Outcome outcome = rehearse(new ScriptEngine().migration("1", statements.toArray(String[]::new)));

            assertThat(unbounded(outcome)).as(statements.toString()).singleElement()
                    .satisfies(finding -> assertThat(finding.statement()).isEqualTo(ALTER));
        }
    }

    @Test
    void aLockTimeoutSetByAnEarlierMigrationDoesNotBoundTheNext() {
        // deployed later on its own, the second migration runs in a session the first one never touched
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "SET lock_timeout = '5s'")
                .migration("2", ALTER));

        assertThat(unbounded(outcome)).singleElement()
                .satisfies(finding -> assertThat(finding.migration()).isEqualTo("2"));
    }

    @Test
    void theDatabasesDefaultIsWhatAPlainDeployWouldHave() {
        String target = databases.create("timeouts", ORDERS);
        postgres.execute(target, "ALTER DATABASE " + TestPostgres.quoteIdentifier(target)
                + " SET lock_timeout = '10s'");

        Outcome outcome = rehearsal(target, new ScriptEngine().migration("1", ALTER)).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(unbounded(outcome)).isEmpty();
    }

    @Test
    void whenRehearsalPromotesWithItsOwnLockTimeoutItIsInformation() {
        Outcome bounded = rehearsal(databases.create("timeouts", ORDERS), new ScriptEngine().migration("1", ALTER))
                .lockTimeout(Duration.ofSeconds(3)).load().run();
        Outcome unboundedToo = rehearsal(databases.create("timeouts", ORDERS),
                new ScriptEngine().migration("1", ALTER)).lockTimeout(Duration.ZERO).load().run();

        assertThat(bounded.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(unbounded(bounded)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.evidence()).containsEntry("promotionLockTimeoutMillis", 3000L);
            assertThat(finding.message()).contains("any other way than by Rehearsal (which sets lock_timeout 3000 ms)");
        });
        assertThat(unbounded(unboundedToo)).singleElement()
                .satisfies(finding -> assertThat(finding.severity()).isEqualTo(Severity.WARNING));
    }

    @Test
    void locksThatBlockNeitherReadsNorWritesNeedNoTimeout() {
        Outcome outcome = rehearse(new ScriptEngine()
                .migration("1", "UPDATE orders SET status = 'old' WHERE id = 1", "CREATE TABLE notes (id int)",
                        "ALTER TABLE notes ADD COLUMN body text")
                .migration("2!", "CREATE INDEX CONCURRENTLY ON orders (status)"));

        assertThat(unbounded(outcome)).isEmpty();
    }
}
