package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deletes judged by the share of the table they remove: a table of 5 000 rows, the default policy (5 %, or 100 000
 * rows), so that 250 rows make the difference.
 */
class LargeDeleteIT {
    private static final String[] ORDERS = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL)",
            "INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 5000) g"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private Outcome rehearse(Policy policy, ScriptEngine migrations, String... setup) {
        String target = databases.create("deletes", setup.length == 0 ? ORDERS : setup);
        return Rehearsal.configure().target(postgres.location(target)).engine(migrations).policy(policy).load()
                .rehearse();
    }

    private Outcome rehearse(ScriptEngine migrations, String... setup) {
        return rehearse(Policy.defaults(), migrations, setup);
    }

    private static List<Finding> ofKind(Outcome outcome, String kind) {
        return outcome.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    void deletingATenthOfATableWithDataLosesDataAndBlocks() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "DELETE FROM orders WHERE id <= 500"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(ofKind(outcome, FindingKinds.ROWS_DELETED)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(loss.migration()).isEqualTo("1");
            assertThat(loss.statement()).isEqualTo("DELETE FROM orders WHERE id <= 500");
            assertThat(loss.message()).startsWith("500 rows deleted from public.orders (10 % of its 5000 rows)");
            assertThat(loss.evidence()).containsEntry("table", "public.orders").containsEntry("rowsDeleted", 500L)
                    .containsEntry("tableRows", 5000L).containsEntry("fraction", 0.1);
            assertThat(loss.remedy()).contains("archive the rows first").contains("in batches outside the migration");
        });
    }

    @Test
    void deletingLessThanTheFractionIsAWarningThatALowerFractionTurnsIntoALoss() {
        ScriptEngine migrations = new ScriptEngine().migration("1", "DELETE FROM orders WHERE id <= 100");

        Outcome defaults = rehearse(migrations);
        Outcome strict = rehearse(Policy.builder().deleteFraction(0.01).build(), migrations);

        assertThat(defaults.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ofKind(defaults, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(defaults, FindingKinds.ROWS_DELETED)).singleElement().satisfies(deleted -> {
            assertThat(deleted.severity()).isEqualTo(Severity.WARNING);
            assertThat(deleted.message()).isEqualTo("100 rows deleted from public.orders (2.0 % of its 5000 rows)");
            assertThat(deleted.evidence()).containsEntry("fraction", 0.02);
        });
        assertThat(strict.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(ofKind(strict, FindingKinds.DATA_LOSS)).singleElement()
                .satisfies(loss -> assertThat(loss.evidence()).containsEntry("rowsDeleted", 100L));
    }

    @Test
    void theRowCountAloneMakesALossOfASmallShareOfABigTable() {
        Outcome outcome = rehearse(Policy.builder().backfillRows(200).build(),
                new ScriptEngine().migration("1", "DELETE FROM orders WHERE id <= 200"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement()
                .satisfies(loss -> assertThat(loss.evidence()).containsEntry("fraction", 0.04));
    }

    @Test
    void batchesOfOneMigrationCountTogether() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "DELETE FROM orders WHERE id <= 200",
                "DELETE FROM orders WHERE id > 200 AND id <= 300"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.statement()).isEqualTo("DELETE FROM orders WHERE id <= 200");
            assertThat(loss.evidence()).containsEntry("rowsDeleted", 300L).containsEntry("statements", 2);
        });
    }

    @Test
    void aDeleteWithACommonTableExpressionIsJudgedByTheTableItDeletesFrom() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1",
                "WITH doomed AS (SELECT id FROM orders WHERE id <= 500) DELETE FROM orders WHERE id IN (SELECT id "
                        + "FROM doomed)"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss ->
                assertThat(loss.evidence()).containsEntry("table", "public.orders").containsEntry("rowsDeleted", 500L));
    }

    @Test
    void rowsADeleteMovesIntoAnArchiveAreNotLost() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1",
                "CREATE TABLE orders_archive (LIKE orders)",
                "WITH gone AS (DELETE FROM orders WHERE id <= 2500 RETURNING *) INSERT INTO orders_archive "
                        + "SELECT * FROM gone"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.ROWS_DELETED)).singleElement().satisfies(moved -> {
            assertThat(moved.message()).endsWith(", moved into orders_archive");
            assertThat(moved.evidence()).containsEntry("rowsDeleted", 2500L).containsEntry("archivedInto",
                    "orders_archive");
        });
    }

    @Test
    void aQuotedTableIsFoundInTheSchemaTheSearchPathChoseAmongTablesOfTheSameName() {
        String[] twoTables = {
                "CREATE SCHEMA \"Sales\"",
                "CREATE TABLE \"Sales\".\"Orders\" (id bigint PRIMARY KEY)",
                "INSERT INTO \"Sales\".\"Orders\" SELECT generate_series(1, 1000)",
                "CREATE TABLE public.\"Orders\" (id bigint PRIMARY KEY)",
                "INSERT INTO public.\"Orders\" SELECT generate_series(1, 20000)"};

        Outcome unqualified = rehearse(new ScriptEngine().migration("1", "SET search_path = \"Sales\", public",
                "DELETE FROM \"Orders\" WHERE id <= 100"), twoTables);
        Outcome qualified = rehearse(new ScriptEngine().migration("1",
                "DELETE FROM \"Sales\".\"Orders\" WHERE id <= 100"), twoTables);

        for (Outcome outcome : List.of(unqualified, qualified)) {
            assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss ->
                    assertThat(loss.evidence()).containsEntry("table", "\"Sales\".\"Orders\"")
                            .containsEntry("tableRows", 1000L).containsEntry("fraction", 0.1));
        }
    }

    @Test
    void anAcknowledgedLargeDeleteDoesNotBlock() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1",
                "-- rehearsal:allow data-loss: orders before 2020 are kept in the warehouse\n"
                        + "DELETE FROM orders WHERE id <= 2500"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss ->
                assertThat(loss.acknowledgement()).isEqualTo("orders before 2020 are kept in the warehouse"));
    }

    @Test
    void deletesFromATableWithoutDataOrOneTheMigrationMadeLoseNothing() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "DELETE FROM orders",
                "CREATE TABLE staging (id int)", "INSERT INTO staging SELECT generate_series(1, 100)",
                "DELETE FROM staging"), "CREATE TABLE orders (id bigint PRIMARY KEY)");

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.ROWS_DELETED)).singleElement().satisfies(deleted ->
                assertThat(deleted.evidence()).containsEntry("table", "staging").doesNotContainKey("tableRows"));
    }
}
