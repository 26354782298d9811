package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A swap — copy the values into a new column or table, drop the old one, rename the new one — is no loss when the
 * content survives, and stays one when it does not: compared by a hash of the content at the drop and after the
 * migrations, not by name. The orders have 5 000 rows; every tenth has no amount.
 */
class DataLossSwapIT {
    private static final String[] ORDERS = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), quantity integer NOT NULL, note text)",
            "INSERT INTO orders SELECT g, CASE WHEN g % 10 <> 0 THEN g * 1.25 END, g % 7, 'note ' || g "
                    + "FROM generate_series(1, 5000) g"};
    private static final String DROP_AMOUNT = "ALTER TABLE orders DROP COLUMN amount";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private Outcome rehearse(ScriptEngine migrations) {
        return rehearse(DataFacts.defaults(), migrations);
    }

    private Outcome rehearse(DataFacts facts, ScriptEngine migrations) {
        String target = databases.create("swap", ORDERS);
        postgres.execute(target, "ANALYZE orders");
        return Rehearsal.configure().target(postgres.location(target)).engine(migrations).dataFacts(facts).load()
                .rehearse();
    }

    /** The column swap in one migration: add {@code <column>_new}, fill it, drop the old column, rename the new. */
    private static ScriptEngine swap(String column, String type, String copy) {
        return new ScriptEngine().migration("1", "ALTER TABLE orders ADD COLUMN " + column + "_new " + type,
                "UPDATE orders SET " + column + "_new = " + copy,
                "ALTER TABLE orders DROP COLUMN " + column,
                "ALTER TABLE orders RENAME COLUMN " + column + "_new TO " + column);
    }

    /** The table swap in one migration: create {@code orders_new}, fill it, drop orders, rename the new one. */
    private static ScriptEngine tableSwap(String create, String fill) {
        return new ScriptEngine().migration("1", create, fill, "DROP TABLE orders",
                "ALTER TABLE orders_new RENAME TO orders");
    }

    private static List<Finding> ofKind(Outcome outcome, String kind) {
        return outcome.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    @OnEveryMajor
    void aColumnSwappedInOneTransactionKeepsItsValues() {
        Outcome outcome = rehearse(swap("amount", "numeric", "amount"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).singleElement().satisfies(moved -> {
            assertThat(moved.severity()).isEqualTo(Severity.INFO);
            assertThat(moved.migration()).isEqualTo("1");
            assertThat(moved.statement()).isEqualTo(DROP_AMOUNT);
            assertThat(moved.message()).isEqualTo("column public.orders.amount was dropped, but its 4500 values live "
                    + "on in public.orders.amount (which the migrations added): the same content, by a hash of every "
                    + "value with its row's primary key at the drop and after the migrations");
            assertThat(moved.evidence()).containsEntry("column", "public.orders.amount")
                    .containsEntry("nonNullValues", 4500L).containsEntry("replacedBy", "public.orders.amount")
                    .containsEntry("sameContent", true).containsEntry("rowsIdentifiedBy", "id");
        });
        assertThat(ofKind(outcome, FindingKinds.BREAKING_CHANGE)).singleElement().satisfies(replaced -> {
            assertThat(replaced.severity()).isEqualTo(Severity.WARNING);
            assertThat(replaced.statement()).isEqualTo(DROP_AMOUNT);
            assertThat(replaced.message()).startsWith("column public.orders.amount was replaced by another under its "
                    + "name").contains("cached plan must not change result type");
        });
    }

    @Test
    void aColumnCopiedInOneMigrationAndSwappedInTheNextKeepsItsValues() {
        Outcome outcome = rehearse(new ScriptEngine()
                .migration("2", "ALTER TABLE orders ADD COLUMN amount_new numeric",
                        "UPDATE orders SET amount_new = amount")
                .migration("3", DROP_AMOUNT, "ALTER TABLE orders RENAME COLUMN amount_new TO amount"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).singleElement()
                .satisfies(moved -> assertThat(moved.migration()).isEqualTo("3"));
    }

    @Test
    void aColumnWidenedThroughASwapKeepsItsValues() {
        Outcome outcome = rehearse(swap("quantity", "bigint", "quantity"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).singleElement().satisfies(moved ->
                assertThat(moved.evidence()).containsEntry("column", "public.orders.quantity")
                        .containsEntry("nonNullValues", 5000L));
    }

    @Test
    void aColumnCutShortOnTheWayIsStillALoss() {
        Outcome outcome = rehearse(swap("note", "varchar(3)", "left(note, 3)"));

        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(loss.message()).isEqualTo("column public.orders.note was dropped with 5000 values; "
                    + "public.orders.note (which the migrations added) holds 5000 values, but not the same ones "
                    + "(content hash differs)");
            assertThat(loss.evidence()).containsEntry("comparedWith", "public.orders.note")
                    .containsEntry("valuesThere", 5000L).containsEntry("sameContent", false);
        });
    }

    @Test
    void aColumnCopiedOnlyInPartIsStillALoss() {
        Outcome outcome = rehearse(swap("amount", "numeric", "amount WHERE id > 100"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.message()).endsWith("; public.orders.amount (which the migrations added) holds 4410 "
                    + "values, not 4500");
            assertThat(loss.evidence()).containsEntry("valuesThere", 4410L).containsEntry("sameContent", false);
        });
    }

    @Test
    void aColumnDroppedWithNoReplacementIsALossAsBefore() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", DROP_AMOUNT));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.message()).isEqualTo("column public.orders.amount was dropped with 4500 values");
            assertThat(loss.evidence()).containsOnlyKeys("column", "nonNullValues");
        });
    }

    @Test
    void aTableLargerThanTheCatalogCountsIsNotHashedAndItsSwapStaysALossThatSaysSo() {
        Outcome outcome = rehearse(DataFacts.exactUpTo(64 * 1024), swap("amount", "numeric", "amount"));

        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.message()).startsWith("column public.orders.amount was dropped with ")
                    .contains(" values; its content was not compared with public.orders.amount: the table (")
                    .endsWith(" bytes) is larger than 65536 bytes, the most Rehearsal hashes");
            assertThat(loss.evidence()).containsEntry("comparedWith", "public.orders.amount")
                    .containsKey("contentNotCompared");
        });
    }

    @Test
    @OnEveryMajor
    void aTableSwappedForACopyKeepsItsRows() {
        Outcome outcome = rehearse(tableSwap("CREATE TABLE orders_new (id bigint PRIMARY KEY, amount numeric(12,2), "
                        + "quantity bigint NOT NULL, note text, placed_at timestamptz)",
                "INSERT INTO orders_new (id, amount, quantity, note) SELECT id, amount, quantity, note FROM orders"));

        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).singleElement().satisfies(moved -> {
            assertThat(moved.statement()).isEqualTo("DROP TABLE orders");
            assertThat(moved.message()).startsWith("table public.orders was dropped, but its 5000 rows live on in "
                    + "public.orders (which now has its name): the same content, by a hash of every row");
            assertThat(moved.evidence()).containsEntry("table", "public.orders").containsEntry("rows", 5000L);
        });
    }

    @Test
    void aTableSwappedForACopyWithoutSomeRowsIsStillALoss() {
        Outcome outcome = rehearse(tableSwap("CREATE TABLE orders_new (LIKE orders INCLUDING ALL)",
                "INSERT INTO orders_new SELECT * FROM orders WHERE id > 10"));

        assertThat(ofKind(outcome, FindingKinds.CONTENT_MOVED)).isEmpty();
        assertThat(ofKind(outcome, FindingKinds.DATA_LOSS)).singleElement().satisfies(loss -> {
            assertThat(loss.message()).isEqualTo("table public.orders was dropped with 5000 rows; public.orders "
                    + "(which now has its name) holds 4990 rows, not 5000");
            assertThat(loss.evidence()).containsEntry("comparedWith", "public.orders").containsEntry("rowsThere", 4990L);
        });
    }
}
