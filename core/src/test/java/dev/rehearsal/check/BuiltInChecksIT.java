package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Outcome;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
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

    private Outcome rehearse(ScriptEngine migrations) {
        String target = databases.create("checks", ORDERS);
        return Rehearsal.configure().target(postgres.location(target)).engine(migrations).policy(POLICY).load()
                .rehearse();
    }

    private static List<Finding> ofKind(Outcome outcome, String kind) {
        return outcome.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    @OnEveryMajor
    void aTruncationLosesDataButRewritesNothing() {
        Outcome outcome = rehearse(new ScriptEngine().migration("1", "TRUNCATE orders"));

        assertThat(outcome.findings()).extracting(Finding::kind).containsExactly(FindingKinds.DATA_LOSS);
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
        });
    }

    @Test
    @OnEveryMajor
    void theSameStatementsInTwoMigrationsHoldTheLockOnlyBriefly() {
        Outcome outcome = rehearse(new ScriptEngine()
                .migration("1", "ALTER TABLE orders ADD COLUMN shipped boolean")
                .migration("2", "UPDATE orders SET shipped = false"));

        assertThat(outcome.findings()).extracting(Finding::kind).containsExactly(FindingKinds.LARGE_BACKFILL);
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
}
