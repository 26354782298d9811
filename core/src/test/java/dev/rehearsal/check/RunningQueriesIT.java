package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.StandardErrorCapture;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running version's queries, read from the target's pg_stat_statements after a workload ran there, planned on the
 * branch before and after the migrations. Runs on every major: 16 and later plan with GENERIC_PLAN, 14 and 15 through
 * PREPARE.
 */
@OnEveryMajor
class RunningQueriesIT {
    /** A value the application sent: it must never be printed. */
    private static final String SECRET = "s3cret-customer@example.com";
    private static final String[] SHOP = {
            "CREATE EXTENSION pg_stat_statements",
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, name text)",
            "INSERT INTO customers SELECT g, 'c' || g || '@example.com', 'n' || g FROM generate_series(1, 20000) g",
            "CREATE INDEX customers_email ON customers (email)",
            "ANALYZE customers"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @TempDir
    Path reports;

    /** The shop with its application's workload run: a lookup by email (50 times), one by id (20), an update (5). */
    private String shopWithWorkload() throws SQLException {
        String shop = databases.create("queries", SHOP);
        try (Connection application = postgres.dataSource(shop).getConnection()) {
            try (PreparedStatement byEmail = application.prepareStatement(
                    "SELECT id, name FROM customers WHERE email = ?")) {
                for (int i = 0; i < 50; i++) {
                    byEmail.setString(1, i == 0 ? SECRET : "c" + i + "@example.com");
                    byEmail.executeQuery().close();
                }
            }
            try (PreparedStatement byId = application.prepareStatement("SELECT email FROM customers WHERE id = ?")) {
                for (int i = 0; i < 20; i++) {
                    byId.setLong(1, i);
                    byId.executeQuery().close();
                }
            }
            try (Statement statement = application.createStatement()) {
                for (int i = 0; i < 5; i++) {
                    statement.executeUpdate("UPDATE customers SET name = 'renamed' WHERE email = '" + SECRET + "'");
                }
            }
        }
        return shop;
    }

    private Outcome rehearse(String target, ScriptEngine migrations) {
        return Rehearsal.configure().target(postgres.location(target)).engine(migrations)
                .reportTo(reports.resolve("report.json")).markdownReportTo(reports.resolve("report.md"))
                .htmlReportTo(reports.resolve("report.html")).load().rehearse();
    }

    private static List<Finding> of(Outcome outcome, String kind) {
        return outcome.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    void aRenameThatBreaksARunningQueryBlocksWithTheQueryAsEvidence() throws Exception {
        String shop = shopWithWorkload();

        Outcome outcome = rehearse(shop, new ScriptEngine().migration("1", "CREATE TABLE notes (id int)")
                .migration("2", "ALTER TABLE customers RENAME COLUMN email TO email_address"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        List<Finding> broken = of(outcome, FindingKinds.BROKEN_QUERY);
        assertThat(broken).allSatisfy(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(finding.migration()).isEqualTo("2");
            assertThat(finding.statement()).isEqualTo("ALTER TABLE customers RENAME COLUMN email TO email_address");
            assertThat(finding.evidence()).containsEntry("sqlState", "42703")
                    .containsEntry("error", "column \"email\" does not exist");
        });
        assertThat(broken).extracting(f -> f.evidence().get("query"), f -> f.evidence().get("calls")).contains(
                org.assertj.core.groups.Tuple.tuple("SELECT id, name FROM customers WHERE email = $1", 50L),
                org.assertj.core.groups.Tuple.tuple("SELECT email FROM customers WHERE id = $1", 20L),
                org.assertj.core.groups.Tuple.tuple("UPDATE customers SET name = $1 WHERE email = $2", 5L));
        // the evidence replaces the guess about the same statement
        assertThat(of(outcome, FindingKinds.BREAKING_CHANGE)).isEmpty();
        assertThat(broken.get(0).message()).contains("run 50 times", "pg_stat_statements of " + shop,
                "column \"email\" does not exist", "SELECT id, name FROM customers WHERE email = $1");
        for (String report : List.of("report.json", "report.md", "report.html")) {
            assertThat(Files.readString(reports.resolve(report))).as(report).contains("broken-query")
                    .doesNotContain(SECRET);
        }
        assertThat(Files.readString(reports.resolve("report.md")))
                .contains("### Queries of the running version", "run 50 times",
                        "SELECT id, name FROM customers WHERE email = $1");
        assertThat(postgres.query(shop, "SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'customers' AND column_name = 'email'")).containsExactly("1");
    }

    @Test
    void aMigrationThatOnlyAddsIsQuiet() throws Exception {
        String shop = shopWithWorkload();

        Outcome outcome = rehearse(shop, new ScriptEngine().migration("1",
                "ALTER TABLE customers ADD COLUMN loyalty_points integer"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(of(outcome, FindingKinds.BROKEN_QUERY)).isEmpty();
        assertThat(of(outcome, FindingKinds.PLAN_REGRESSION)).isEmpty();
    }

    @Test
    void droppingAnIndexAHotQueryUsesIsAPlanWarning() throws Exception {
        String shop = shopWithWorkload();

        Outcome outcome = rehearse(shop, new ScriptEngine().migration("1", "DROP INDEX customers_email"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(of(outcome, FindingKinds.BROKEN_QUERY)).isEmpty();
        assertThat(of(outcome, FindingKinds.PLAN_REGRESSION)).isNotEmpty().allSatisfy(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.WARNING);
            assertThat(finding.migration()).isEqualTo("1");
            assertThat(finding.evidence()).containsEntry("index", "customers_email")
                    .containsEntry("table", "public.customers").containsEntry("readsWholeTable", true);
            assertThat((Long) finding.evidence().get("costAfter"))
                    .isGreaterThanOrEqualTo(2 * (Long) finding.evidence().get("costBefore"));
        });
        assertThat(of(outcome, FindingKinds.PLAN_REGRESSION)).extracting(f -> f.evidence().get("query"))
                .contains("SELECT id, name FROM customers WHERE email = $1");
    }

    @Test
    void droppingAColumnNoRunningQueryUsesIsInformationNotAGuess() throws Exception {
        String shop = shopWithWorkload(); // its queries name id, name and email, never a column added later
        postgres.execute(shop, "ALTER TABLE customers ADD COLUMN legacy_code text DEFAULT 'x'");

        Outcome outcome = rehearse(shop, new ScriptEngine().migration("1",
                "ALTER TABLE customers DROP COLUMN legacy_code"));

        assertThat(of(outcome, FindingKinds.BROKEN_QUERY)).isEmpty();
        assertThat(of(outcome, FindingKinds.BREAKING_CHANGE)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.INFO);
            assertThat(finding.message()).contains("none of the 3 queries the running version runs");
        });
    }

    @Test
    void aRunningQueryThatReadsEveryColumnKeepsTheGuessAWarning() throws Exception {
        String shop = shopWithWorkload();
        postgres.execute(shop, "ALTER TABLE customers ADD COLUMN legacy_code text DEFAULT 'x'");
        try (Connection application = postgres.dataSource(shop).getConnection();
             PreparedStatement everything = application.prepareStatement("SELECT * FROM customers WHERE id = ?")) {
            everything.setLong(1, 7);
            everything.executeQuery().close();
        }

        Outcome outcome = rehearse(shop, new ScriptEngine().migration("1",
                "ALTER TABLE customers DROP COLUMN legacy_code"));

        assertThat(of(outcome, FindingKinds.BREAKING_CHANGE)).singleElement()
                .satisfies(finding -> assertThat(finding.severity()).isEqualTo(Severity.WARNING));
    }

    @Test
    void withoutTheExtensionTheCheckIsSkippedSayingHowToEnableIt() throws Exception {
        String shop = databases.create("queries", List.of(SHOP).subList(1, SHOP.length).toArray(String[]::new));

        try (StandardErrorCapture log = StandardErrorCapture.start()) {
            Outcome outcome = rehearse(shop, new ScriptEngine().migration("1",
                    "ALTER TABLE customers RENAME COLUMN email TO email_address"));

            assertThat(of(outcome, FindingKinds.BROKEN_QUERY)).isEmpty();
            assertThat(log.text()).contains("INFO", "The running version's queries are not checked",
                    "CREATE EXTENSION pg_stat_statements in " + shop, "runningQueriesFrom(...)");
        }
    }

    @Test
    void aFileOfQueriesWithLiteralsIsCheckedAndShownWithoutThem() throws Exception {
        String shop = databases.create("queries", List.of(SHOP).subList(1, SHOP.length).toArray(String[]::new));
        Path file = reports.resolve("queries.sql");
        Files.writeString(file, "-- from the test suite's log\n"
                + "SELECT id FROM customers WHERE email = '" + SECRET + "';\n"
                + "SELECT id FROM customers WHERE email = 'other@example.com';\n"
                + "SELECT name FROM customers WHERE id = 42;\n"
                + "SET search_path TO public;\n");

        Outcome outcome = Rehearsal.configure().target(postgres.location(shop)).runningQueriesFrom(file)
                .engine(new ScriptEngine().migration("1", "ALTER TABLE customers DROP COLUMN email"))
                .reportTo(reports.resolve("report.json")).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(of(outcome, FindingKinds.BROKEN_QUERY)).singleElement().satisfies(finding -> {
            assertThat(finding.evidence()).containsEntry("query", "SELECT id FROM customers WHERE email = $1")
                    .containsEntry("calls", 2L).containsEntry("source", "queries.sql");
            assertThat(finding.migration()).isEqualTo("1");
        });
        assertThat(Reports.json(outcome)).doesNotContain(SECRET).doesNotContain("other@example.com");
    }

    @Test
    void aFileThatHoldsNoQueryIsRefusedBeforeAnyBranch() throws Exception {
        String shop = databases.create("queries", "CREATE TABLE t (id int)");
        List<String> databasesBefore = postgres.databasesOfThisProcess();
        Path file = reports.resolve("settings.sql");
        Files.writeString(file, "SET search_path TO public;\n");

        assertThatThrownBy(() -> Rehearsal.configure().target(postgres.location(shop)).runningQueriesFrom(file)
                .engine(new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN c int")).load().rehearse())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("runningQueriesFrom(" + file + ")").hasMessageContaining("holds no query");
        assertThat(postgres.databasesOfThisProcess()).isEqualTo(databasesBefore);
    }
}
