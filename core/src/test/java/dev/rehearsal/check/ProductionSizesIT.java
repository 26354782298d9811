package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Risky patterns on an empty development database: reported at INFO with what was measured, and, given production's
 * sizes (a statistics file or a production database read once), judged as on production's tables. The default
 * policy's thresholds (100 000 rows) apply: production's 2 000 000 rows are far above them, the branch's 0 far below.
 */
class ProductionSizesIT {
    /** The schema of a development database: every table empty. */
    private static final String[] EMPTY = {
            "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, note text)",
            "CREATE TABLE customers (id bigint PRIMARY KEY, name text)"};
    private static final Policy POLICY = Policy.builder().ignore(FindingKinds.NO_LOCK_TIMEOUT).build();
    private static final String PRODUCTION_STATS = """
            {
              "source": "jdbc:postgresql://prod/shop",
              "tables": {
                "public.orders": {"rows": 2000000, "bytes": 268435456, "nullFraction": {"note": 0.25}},
                "public.customers": {"rows": 2000000},
                "public.gone_since": {"rows": 10}
              }
            }
            """;

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path directory;

    /** A table rewrite, an index built under lock, every row updated, a column and a table dropped. */
    private static ScriptEngine riskyMigrations() {
        return new ScriptEngine()
                .migration("1", "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid()")
                .migration("2", "CREATE INDEX orders_status ON orders (status)")
                .migration("3", "UPDATE orders SET status = 'new'")
                .migration("4", "ALTER TABLE orders DROP COLUMN note")
                .migration("5", "DROP TABLE customers");
    }

    private Rehearsal.Builder rehearsal(String target) {
        return Rehearsal.configure().target(postgres.location(target)).engine(riskyMigrations()).policy(POLICY);
    }

    private static List<Finding> risky(Outcome outcome) {
        return outcome.findings().stream().filter(f -> !f.kind().equals(FindingKinds.BREAKING_CHANGE)).toList();
    }

    @Test
    void onAnEmptyDatabaseEveryRiskyPatternIsInformationWithWhatWasMeasured() {
        Outcome outcome = rehearsal(databases.create("dev", EMPTY)).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertEveryPatternIsFound(outcome, Severity.INFO);
        assertThat(ofMigration(outcome, "1").message()).contains("0 rows here: harmless on this database; on a table "
                + "with data it would block reads and writes for the whole copy");
        assertThat(ofMigration(outcome, "1").evidence()).containsEntry("rows", 0L).containsKey("statementMillis")
                .doesNotContainKey("productionRows");
        assertThat(ofMigration(outcome, "2").evidence()).containsEntry("lockMode", "SHARE")
                .containsEntry("tableRows", 0L).containsKey("heldMillis");
        assertThat(ofMigration(outcome, "2").message()).contains("0 rows here: harmless on this database");
        assertThat(ofMigration(outcome, "3").evidence()).containsEntry("rows", 0L)
                .containsEntry("tables", List.of("public.orders"));
        assertThat(ofMigration(outcome, "4").message()).contains("public.orders.note was dropped holding no values");
        assertThat(ofMigration(outcome, "5").message()).contains("public.customers was dropped empty: 0 rows here");
    }

    @Test
    void givenAStatisticsFileTheEmptyTablesAreJudgedAtProductionSize() throws IOException {
        Path stats = Files.writeString(directory.resolve("production-stats.json"), PRODUCTION_STATS);

        Outcome outcome = rehearsal(databases.create("dev", EMPTY)).productionSizes(stats).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertEveryPatternIsFound(outcome, Severity.BLOCKING);
        String judged = "judged at production size (2000000 rows, from " + stats + ")";
        for (Finding finding : risky(outcome)) {
            assertThat(finding.message()).as(finding.kind()).contains(judged);
            assertThat(finding.evidence()).as(finding.kind()).containsEntry("productionRows", 2_000_000L)
                    .containsEntry("productionSizes", stats.toString());
        }
        assertThat(ofMigration(outcome, "1").evidence()).containsEntry("rows", 0L);
        assertThat(ofMigration(outcome, "2").evidence()).containsEntry("tableRows", 0L)
                .containsEntry("rowsScanned", 0L).containsEntry("rowsScannedAtProductionSize", 2_000_000L);
        assertThat(ofMigration(outcome, "2").message()).contains("while the statement reads every row (0 here)");
        assertThat(ofMigration(outcome, "3").message()).startsWith("2000000 existing rows of public.orders");
        assertThat(ofMigration(outcome, "3").evidence()).containsEntry("rows", 0L);
        assertThat(ofMigration(outcome, "4").message()).contains("about 1500000 values by its share of NULLs");
        assertThat(ofMigration(outcome, "4").evidence()).containsEntry("nonNullValues", 0L);
    }

    @Test
    void aReadOnlyProductionSourceIsReadFromItsCatalogInAReadOnlyTransactionAndChangesNothing() throws IOException {
        String production = databases.create("prod",
                "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, note text)",
                "INSERT INTO orders SELECT g, 'new', CASE WHEN g % 2 = 0 THEN 'n' END FROM generate_series(1, 3000) g",
                "CREATE TABLE customers (id bigint PRIMARY KEY, name text)",
                "INSERT INTO customers SELECT g, 'c' FROM generate_series(1, 3000) g",
                "ANALYZE");
        String schemaBefore = postgres.describe(production);
        List<String> countsBefore = postgres.query(production, "SELECT count(*) FROM orders");
        postgres.logStatements(production);
        Policy lowered = Policy.builder().ignore(FindingKinds.NO_LOCK_TIMEOUT).rowsUnderLock(1000).backfillRows(1000)
                .build();

        Outcome outcome = rehearsal(databases.create("dev", EMPTY)).policy(lowered)
                .productionSizesFrom(postgres.location(production)).load().rehearse();

        String source = postgres.location(production).redactedUrl();
        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertEveryPatternIsFound(outcome, Severity.BLOCKING);
        assertThat(ofMigration(outcome, "1").evidence()).containsEntry("rows", 0L)
                .containsEntry("productionRows", 3000L).containsEntry("productionSizes", source);
        assertThat(ofMigration(outcome, "4").message()).contains("about 1500 values by its share of NULLs");

        List<String> session = readerSession();
        assertThat(session).anyMatch(entry -> entry.contains("BEGIN READ ONLY"))
                .anyMatch(entry -> entry.contains("SET TRANSACTION READ ONLY"));
        assertThat(session).noneMatch(entry -> entry.matches("(?is).*statement: \\s*(insert|update|delete|create|alter"
                + "|drop|truncate)\\b.*"));
        assertThat(session).noneMatch(entry -> entry.contains("FROM orders") || entry.contains("FROM customers"));
        assertThat(postgres.describe(production)).isEqualTo(schemaBefore);
        assertThat(postgres.query(production, "SELECT count(*) FROM orders")).isEqualTo(countsBefore);
    }

    @Test
    void theSizesReadFromProductionMakeAStatisticsFileThatReadsBackTheSame() throws IOException {
        String production = databases.create("prod",
                "CREATE TABLE \"Order\" (id bigint, note text)",
                "INSERT INTO \"Order\" SELECT g, NULL FROM generate_series(1, 500) g",
                "CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at)",
                "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
                "INSERT INTO events SELECT g, '2026-05-01' FROM generate_series(1, 700) g",
                "ANALYZE");

        ProductionSizes read = ProductionSizes.read(postgres.location(production));
        Path file = Files.writeString(directory.resolve("stats.json"), read.toJson());
        ProductionSizes again = ProductionSizes.read(file);

        assertThat(read.tables()).containsKeys("public.\"Order\"", "public.events", "public.events_2026");
        assertThat(read.table("public.\"Order\"").orElseThrow().rows()).isEqualTo(500);
        assertThat(read.table("public.\"Order\"").orElseThrow().nullFractions()).containsEntry("note", 1.0);
        assertThat(read.table("public.events").orElseThrow().rows()).as("a partitioned table counts its partitions")
                .isEqualTo(700);
        assertThat(again.tables()).isEqualTo(read.tables());
        assertThat(again.source()).isEqualTo(file.toString());
    }

    @Test
    void aMalformedStatisticsFileFailsTheRunBeforeAnyBranchIsMade() throws IOException {
        String target = databases.create("dev", EMPTY);
        Path stats = Files.writeString(directory.resolve("production-stats.json"),
                "{\"tables\": {\"public.orders\": {\"rows\": \"many\"}}}");

        assertThatThrownBy(() -> rehearsal(target).productionSizes(stats).load().rehearse())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(stats.toString()).hasMessageContaining("tables.\"public.orders\".rows is \"many\"")
                .hasMessageContaining("rehearsal stats");
        assertThat(postgres.branchesOf(target)).isEmpty();
        assertThat(postgres.databasesStartingWith(target)).containsExactly(target);
    }

    @Test
    void aProductionSourceThatRefusesTheLoginFailsTheRunBeforeAnyBranchAndNeverShowsThePassword() {
        String secret = "s3cret-" + System.nanoTime();
        String reader = databases.loginRole("reader", secret);
        String production = databases.create("prod", EMPTY);
        String target = databases.create("dev", EMPTY);

        Throwable refused = catchThrowable(() -> rehearsal(target)
                .productionSizesFrom(postgres.jdbcUrl(production), reader, "wrong-" + secret).load().rehearse());

        assertThat(refused).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("Cannot connect to the production source")
                .hasMessageContaining(production).hasMessageNotContaining(secret);
        assertThat(postgres.branchesOf(target)).isEmpty();
    }

    /** One finding for each migration of {@link #riskyMigrations()}, every one at this severity. */
    private static void assertEveryPatternIsFound(Outcome outcome, Severity severity) {
        assertThat(risky(outcome)).extracting(Finding::kind, Finding::severity, Finding::migration)
                .containsExactlyInAnyOrder(
                        tuple(FindingKinds.TABLE_REWRITE, severity, "1"),
                        tuple(FindingKinds.BLOCKING_LOCK, severity, "2"),
                        tuple(FindingKinds.ROW_LOCKS_HELD, severity, "3"),
                        tuple(FindingKinds.DATA_LOSS, severity, "4"),
                        tuple(FindingKinds.DATA_LOSS, severity, "5"));
    }

    private static Finding ofMigration(Outcome outcome, String migration) {
        return risky(outcome).stream().filter(f -> migration.equals(f.migration())).findFirst().orElseThrow();
    }

    /** The statements of the session that read production's catalog, as the server logged them. */
    private List<String> readerSession() {
        String log = postgres.query("postgres", "SELECT pg_read_file(pg_current_logfile())").get(0);
        // the query spans lines: its entry starts at the last line prefixed with a pid before it
        int entry = log.lastIndexOf("\n@", log.lastIndexOf("pg_partition_tree")) + 2;
        int pid = Integer.parseInt(log.substring(entry, log.indexOf('@', entry)));
        return postgres.serverLog(pid, "pg_partition_tree");
    }
}
