package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.HeadlessChromium;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shop demo, run once, and its claims checked from the outside. */
class ShopDemoIT {
    @TempDir
    static Path reports;

    private static EmbeddedPostgres postgres;
    private static ShopDemo.Result result;
    private static ShopDatabase server;
    private static ShopDatabase shop;

    @BeforeAll
    // a separate thread, so that a rehearsal stuck on a lock fails the build instead of hanging it
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    static void runTheDemo() throws IOException {
        postgres = ShopDemo.startPostgres();
        result = ShopDemo.run(postgres, reports, System.out);
        server = new ShopDatabase(DatabaseLocation.of("jdbc:postgresql://localhost:" + postgres.getPort()
                + "/postgres", "postgres", null));
        shop = server.database(ShopDemo.DATABASE);
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void promotesTheSafeChangeSet() {
        Outcome safe = result.safe();

        assertThat(safe.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(safe.failure()).isNull();
        assertThat(safe.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch, MigrationStatus::target)
                .containsExactly(tuple("3", State.APPLIED, State.APPLIED), tuple("4", State.APPLIED, State.APPLIED));
        assertThat(shop.query("SELECT data_type, is_nullable, column_default FROM information_schema.columns "
                + "WHERE table_name = 'customers' AND column_name = 'loyalty_points'"))
                .containsExactly("integer|YES|0");
        assertThat(shop.query("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                + "WHERE c.relname = 'orders_customer_id_idx'")).containsExactly("t");
    }

    @Test
    void stopsTheRiskyChangeSetOnTheBranchBecauseRealCustomersShareAnEmailInAnotherCase() {
        Outcome risky = result.risky();
        MigrationFailure failure = risky.failure();

        assertThat(risky.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(failure.database()).isEqualTo("branch");
        assertThat(failure.migration()).isEqualTo("5");
        assertThat(failure.sqlState()).isEqualTo("23505");
        assertThat(failure.statement()).contains("CREATE UNIQUE INDEX " + ShopDemo.RISKY_INDEX);
        assertThat(failure.detail()).contains("is duplicated");
        assertThat(risky.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch,
                        MigrationStatus::target)
                .containsExactly(tuple("5", State.FAILED, State.NOT_RUN), tuple("6", State.NOT_RUN, State.NOT_RUN));
    }

    @Test
    void leavesTheTargetExactlyAsTheSafeChangeSetLeftIt() {
        assertThat(shop.query("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1|t", "2|t", "3|t", "4|t");
        assertThat(shop.query("SELECT indexname FROM pg_indexes WHERE indexname = ?", ShopDemo.RISKY_INDEX))
                .isEmpty();
        assertThat(shop.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'customers' "
                + "AND column_name = 'legacy_code'")).containsExactly("text");
        assertThat(TargetState.of(shop).fingerprint()).isEqualTo(result.beforeRisky().fingerprint());
        // and plain Flyway, asked about the target, still has the risky change set to do
        assertThat(ShopDemo.flyway(shop.location().redactedUrl(), ShopDemo.BASE, ShopDemo.SAFE, ShopDemo.RISKY)
                .load().info().pending())
                .extracting(info -> info.getVersion().getVersion()).containsExactly("5", "6");
    }

    @Test
    void leavesNoBranchBehind() {
        assertThat(server.query("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1"))
                .containsExactly("postgres", ShopDemo.DATABASE);
        assertThat(result.branchesLeft()).isEmpty();
        assertThat(result.safe().branch().kept()).isFalse();
        assertThat(result.risky().branch().kept()).isFalse();
    }

    @Test
    void writesAJsonReportForEachChangeSet() throws IOException {
        assertThat(Files.readString(reports.resolve("safe.json"))).contains("\"verdict\" : \"PROMOTED\"");
        assertThat(Files.readString(reports.resolve("risky.json"))).contains("\"verdict\" : \"FAILED_ON_BRANCH\"")
                .contains("\"sqlState\" : \"23505\"");
    }

    @Test
    void writesAnHtmlReportForEachChangeSetThatABrowserOpensWithoutAComplaint() throws IOException {
        for (Outcome outcome : java.util.List.of(result.safe(), result.risky())) {
            String name = outcome == result.safe() ? "safe" : "risky";
            HeadlessChromium.Page page = HeadlessChromium.open(reports.resolve(name + ".html"), 2000);

            assertThat(page.console()).as(name).isEmpty();
            assertThat(page.dom()).as(name).contains("<span id=\"verdict\">" + outcome.verdict() + "</span>");
            assertThat(page.count("<rect class=\"bar ")).as(name).isEqualTo(outcome.statements().size());
        }
        assertThat(Files.readString(reports.resolve("risky.html"))).contains("V5__", "V6__", "23505");
        assertThat(Files.readString(reports.resolve("risky.md"))).contains("`V5__");
        // what docs/demo-report.png shows, kept in target/ for a person to look at
        HeadlessChromium.screenshot(reports.resolve("risky.html"),
                Files.createDirectories(Path.of("target/screenshots")).resolve("demo-risky.png"), 1100, 1500);
        HeadlessChromium.screenshot(reports.resolve("safe.html"),
                Files.createDirectories(Path.of("target/screenshots")).resolve("demo-safe.png"), 1100, 1500);
    }

    @Test
    void findsNothingToComplainAbout() {
        assertThat(result.problems()).isEmpty();
    }
}
