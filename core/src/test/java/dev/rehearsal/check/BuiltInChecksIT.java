package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in checks on real evidence, where a statement's effect is easy to get wrong. The tables are small, so the
 * policy counts 1 000 rows as many; its time threshold is out of reach, so that only rows decide. Locks taken without
 * lock_timeout are left to LockTimeoutCheckIT, deletes to LargeDeleteIT.
 */
class BuiltInChecksIT {
    private static final String[] ORDERS = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, note varchar(20))",
            "INSERT INTO orders SELECT g, 'new', 'note ' || g FROM generate_series(1, 5000) g"};
    private static final Policy POLICY = Policy.builder().rowsUnderLock(1000).backfillRows(1000)
            .lockThreshold(Duration.ofMinutes(10)).ignore(FindingKinds.NO_LOCK_TIMEOUT).build();

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    /** Authors of the orders' books: a second table with data, locked while orders is worked on. */
    private static final String[] AUTHORS = {
            "CREATE TABLE authors (id bigint PRIMARY KEY, name text NOT NULL)",
            "INSERT INTO authors SELECT g, 'author ' || g FROM generate_series(1, 2000) g"};
    private static final String LOCK_AUTHORS = "ALTER TABLE authors ADD COLUMN country text";
    private static final String REWRITE_ORDERS = "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid()";

    private Outcome rehearse(ScriptEngine migrations) {
        return rehearse(migrations, Stream.concat(Stream.of(ORDERS), Stream.of(AUTHORS)).toArray(String[]::new));
    }

    private Outcome rehearse(ScriptEngine migrations, String... target) {
        return rehearseOn(databases.create("checks", target), migrations);
    }

    private Outcome rehearseOn(String target, ScriptEngine migrations) {
        return Rehearsal.configure().target(postgres.location(target)).engine(migrations).policy(POLICY).load()
                .rehearse();
    }

    private static List<Finding> ofKind(Outcome outcome, String kind) {
        return outcome.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    @OnEveryMajor
    void aTruncationLosesDataButRewritesNothing() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "SELECT count(*) FROM orders")
                .migration("2", "TRUNCATE TABLE ONLY public.orders").migration("3", "COMMENT ON TABLE orders IS 'emptied'"));

        assertThat(outcome.findings()).singleElement().satisfies(loss -> {
            assertThat(loss.kind()).isEqualTo(FindingKinds.DATA_LOSS);
            assertThat(loss.message()).startsWith("table public.orders was truncated");
            assertThat(loss.migration()).isEqualTo("2");
        });
    }

    @Test
    @OnEveryMajor
    void aTableRewriteIsOneFindingNotOneMoreForEachIndexItRebuilds() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1",
                "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid()"));

        assertThat(outcome.findings()).singleElement().satisfies(rewrite -> {
            assertThat(rewrite.kind()).isEqualTo(FindingKinds.TABLE_REWRITE);
            assertThat(rewrite.message()).startsWith("table public.orders (").contains(", 5000 rows) was rewritten");
        });
    }

    @Test
    @OnEveryMajor
    void aReindexRebuildsTheIndexOfATableWithManyRowsAndBlocksItsWrites() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "REINDEX INDEX orders_pkey"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(ofKind(outcome, FindingKinds.TABLE_REWRITE)).singleElement().satisfies(rewrite -> {
            assertThat(rewrite.message()).startsWith("index public.orders_pkey (")
                    .contains("of public.orders (5000 rows) was rebuilt");
            assertThat(rewrite.evidence()).containsEntry("table", "public.orders").containsEntry("tableRows", 5000L);
            assertThat(rewrite.remedy()).contains("REINDEX INDEX CONCURRENTLY");
        });
        assertThat(ofKind(outcome, FindingKinds.BLOCKING_LOCK)).singleElement()
                .satisfies(lock -> assertThat(lock.remedy()).contains("REINDEX ... CONCURRENTLY"));
    }

    @Test
    @OnEveryMajor
    void aLockIsChargedWithTheScansOfLaterStatementsOfItsTransaction() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1",
                "ALTER TABLE orders ADD COLUMN shipped boolean", "UPDATE orders SET shipped = false"));

        assertThat(ofKind(outcome, FindingKinds.BLOCKING_LOCK)).singleElement().satisfies(lock -> {
            assertThat(lock.statement()).isEqualTo("ALTER TABLE orders ADD COLUMN shipped boolean");
            assertThat(lock.evidence()).containsEntry("lockMode", "ACCESS EXCLUSIVE")
                    .containsEntry("rowsScanned", 5000L).containsEntry("rowsScannedByLaterStatements", 5000L);
            assertThat(lock.message()).contains("while the transaction scanned 5000 rows (5000 by later statements");
            assertThat(lock.message()).as("the update writes the table's own index, not another table")
                    .doesNotContain("other tables");
            assertThat(lock.evidence()).doesNotContainKey("statementsUnderLock");
        });
    }

    @Test
    @OnEveryMajor
    void theSameStatementsInTwoMigrationsHoldTheLockOnlyBriefly() {
        Outcome outcome = rehearse(new ScriptEngine()
                .migration("1", "ALTER TABLE orders ADD COLUMN shipped boolean")
                .migration("2", "UPDATE orders SET shipped = false"));

        assertThat(outcome.findings()).singleElement().satisfies(rows -> {
            assertThat(rows.kind()).isEqualTo(FindingKinds.ROW_LOCKS_HELD);
            assertThat(rows.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(rows.migration()).isEqualTo("2");
            assertThat(rows.message()).startsWith("5000 existing rows of public.orders updated or deleted in one "
                    + "transaction, kept locked for ");
            assertThat(rows.evidence()).containsEntry("rows", 5000L).containsKey("heldMillis");
        });
    }

    @Test
    void newRowsAreABackfillWarningAndFewExistingRowsHeldBrieflyNothing() {
        Outcome inserted = rehearse(new ScriptEngine().migration("1",
                "INSERT INTO orders SELECT g, 'new', NULL FROM generate_series(10001, 16000) g"));
        Outcome few = rehearse(new ScriptEngine().migration("1", "UPDATE orders SET status = 'old' WHERE id <= 500"));

        assertThat(inserted.findings()).extracting(Finding::kind, Finding::severity)
                .containsExactly(tuple(FindingKinds.LARGE_BACKFILL, Severity.WARNING));
        assertThat(few.findings()).isEmpty();
    }

    @Test
    void raisingALengthLimitBreaksNoReaderButLoweringItIsReported() {
        Outcome widened = rehearse(new ScriptEngine().migration("1",
                "ALTER TABLE orders ALTER COLUMN note TYPE varchar(200)"));
        Outcome narrowed = rehearse(new ScriptEngine().migration("1",
                "ALTER TABLE orders ALTER COLUMN note TYPE varchar(15)"));

        assertThat(widened.findings()).isEmpty();
        assertThat(narrowed.findings()).extracting(Finding::kind)
                .contains(FindingKinds.NARROWING_TYPE_CHANGE, FindingKinds.BREAKING_CHANGE);
    }

    @Test
    void renamingATableBreaksReadersUnlessAViewKeepsItsOldName() {
        Outcome renamed = rehearse(new ScriptEngine().migration("1", "ALTER TABLE orders RENAME TO purchases"));
        Outcome behindView = rehearse(new ScriptEngine().migration("1", "ALTER TABLE orders RENAME TO purchases",
                "CREATE VIEW orders AS SELECT * FROM purchases"));

        assertThat(renamed.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(FindingKinds.BREAKING_CHANGE);
            assertThat(finding.message()).startsWith("table public.orders was renamed to public.purchases");
        });
        assertThat(behindView.findings()).isEmpty();
    }

    @Test
    @OnEveryMajor
    void aLockIsChargedWithTheWorkLaterStatementsOfItsTransactionDoOnOtherTables() {
        Outcome rewritten = rehearse(new ScriptEngine().migration("1", LOCK_AUTHORS,
                REWRITE_ORDERS));
        Outcome counted = rehearse(new ScriptEngine().migration("1", "LOCK TABLE authors IN ACCESS EXCLUSIVE MODE",
                "SELECT count(*) FROM orders WHERE status <> 'new'"));

        assertThat(ofKind(rewritten, FindingKinds.BLOCKING_LOCK)).singleElement().satisfies(lock -> {
            assertThat(lock.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(lock.migration()).isEqualTo("1");
            assertThat(lock.statement()).isEqualTo(LOCK_AUTHORS);
            assertThat(lock.message()).startsWith("ACCESS EXCLUSIVE lock on public.authors (2000 rows) blocks its "
                    + "reads and writes for ").contains("while 1 later statement(s) of its transaction worked on "
                    + "other tables: #").contains("ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid() "
                    + "(rewrote public.orders (5000 rows))");
            assertThat(lock.evidence()).containsEntry("rowsWorkedElsewhereUnderLock", 5000L);
            assertThat(lock.remedy()).contains("migration of its own").doesNotContain("CONCURRENTLY");
        });
        assertThat(ofKind(rewritten, FindingKinds.TABLE_REWRITE)).singleElement()
                .satisfies(rewrite -> assertThat(rewrite.evidence()).containsEntry("relation", "public.orders"));
        assertThat(ofKind(counted, FindingKinds.BLOCKING_LOCK)).singleElement().satisfies(lock -> {
            assertThat(lock.statement()).isEqualTo("LOCK TABLE authors IN ACCESS EXCLUSIVE MODE");
            assertThat(lock.message()).contains("(scanned 5000 rows of public.orders)");
        });
    }

    @Test
    @OnEveryMajor
    void theSameStatementsWithTheLockTakenLastOrInTheirOwnMigrationHoldItOnlyBriefly() {
        String rewrite = REWRITE_ORDERS;
        Outcome lockedLast = rehearse(new ScriptEngine().migration("1", REWRITE_ORDERS, LOCK_AUTHORS));
        Outcome apart = rehearse(new ScriptEngine().migration("1", LOCK_AUTHORS).migration("2", REWRITE_ORDERS));
        Outcome aRowInserted = rehearse(new ScriptEngine().migration("1", LOCK_AUTHORS,
                "INSERT INTO orders VALUES (10001, 'new', NULL)"));

        assertThat(lockedLast.findings()).extracting(Finding::kind).containsExactly(FindingKinds.TABLE_REWRITE);
        assertThat(apart.findings()).extracting(Finding::kind, Finding::migration)
                .containsExactly(tuple(FindingKinds.TABLE_REWRITE, "2"));
        assertThat(aRowInserted.findings()).as("a few rows inserted do not make the lock last").isEmpty();
    }

    @Test
    void onEmptyTablesTheLockHeldAcrossStatementsIsInformationWithWhatRanUnderIt() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", LOCK_AUTHORS,
                REWRITE_ORDERS), ORDERS[0], AUTHORS[0]);

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(ofKind(outcome, FindingKinds.TABLE_REWRITE)).singleElement().satisfies(rewrite -> {
            assertThat(rewrite.severity()).isEqualTo(Severity.INFO);
            assertThat(rewrite.message()).startsWith("table public.orders (").endsWith("in " + rewrite.evidence()
                    .get("statementMillis") + " ms: 0 rows here: harmless on this database; on a table with data it "
                    + "would block reads and writes for the whole copy");
        });
        assertThat(ofKind(outcome, FindingKinds.BLOCKING_LOCK)).singleElement().satisfies(lock -> {
            assertThat(lock.severity()).isEqualTo(Severity.INFO);
            assertThat(lock.statement()).isEqualTo(LOCK_AUTHORS);
            assertThat(lock.message()).contains("(rewrote public.orders (0 rows))")
                    .endsWith("too little data here to say how long in production");
        });
    }

    @Test
    void aPrimaryKeyOnAConcurrentlyBuiltIndexIsToldAboutItsNotNullScanNotToDoWhatItDid() {
        String target = databases.create("checks", "CREATE TABLE coupons (code text, discount int)",
                "INSERT INTO coupons SELECT 'c' || g, g % 50 FROM generate_series(1, 5000) g");
        String addKey = "ALTER TABLE coupons ADD CONSTRAINT coupons_pkey PRIMARY KEY USING INDEX coupons_code_key";

        Outcome outcome = rehearseOn(target, new ScriptEngine()
                .migration("1!", "CREATE UNIQUE INDEX CONCURRENTLY coupons_code_key ON coupons (code)")
                .migration("2", addKey));

        assertThat(ofKind(outcome, FindingKinds.BLOCKING_LOCK)).singleElement().satisfies(lock -> {
            assertThat(lock.migration()).isEqualTo("2");
            assertThat(lock.statement()).isEqualTo(addKey);
            assertThat(lock.evidence()).containsEntry("rowsScanned", 5000L);
            assertThat(lock.remedy()).contains("CHECK (column IS NOT NULL) NOT VALID")
                    .doesNotContain("UNIQUE INDEX CONCURRENTLY first");
        });
    }

    @Test
    void aConstraintAddedNotValidAndValidatedInTheSameTransactionIsToldToMoveTheValidationNotToAddItNotValid() {
        String add = "ALTER TABLE orders ADD CONSTRAINT orders_status_known CHECK (status <> '') NOT VALID";

        Outcome outcome = rehearse(new ScriptEngine().migration("1", add,
                "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_known"));

        assertThat(ofKind(outcome, FindingKinds.BLOCKING_LOCK)).singleElement().satisfies(lock -> {
            assertThat(lock.statement()).isEqualTo(add);
            assertThat(lock.evidence()).containsEntry("rowsScannedByLaterStatements", 5000L);
            assertThat(lock.remedy()).startsWith("the constraint is added NOT VALID already: move its VALIDATE "
                    + "CONSTRAINT to a migration of its own");
        });
    }
}
