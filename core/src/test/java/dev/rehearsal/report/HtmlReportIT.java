package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.HeadlessChromium;
import dev.rehearsal.testing.Mermaid;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.trace.StatementTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML and Markdown reports of a real rehearsal — a rewrite, an index build that blocks writes, a migration that
 * fails on the data, and one its failure kept from running — opened as their readers open them, in headless Chromium.
 */
class HtmlReportIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @TempDir
    Path directory;

    @Test
    void theReportOfARealRehearsalOpensWithoutErrorsAndDrawsEachStatementWithItsLocks() throws Exception {
        String target = databases.create("html_report",
                "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, amount int NOT NULL)",
                "INSERT INTO orders SELECT i, i % 500, i FROM generate_series(1, 20000) i",
                "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, phone text)",
                "INSERT INTO customers SELECT i, 'c' || (i % 400) || '@example.com', NULL "
                        + "FROM generate_series(1, 1000) i");
        ScriptEngine engine = new ScriptEngine()
                .migration("1", "ALTER TABLE orders ALTER COLUMN amount TYPE bigint",
                        "CREATE INDEX orders_customer ON orders (customer_id)")
                .migration("2", "CREATE UNIQUE INDEX customers_email ON customers (email)")
                .migration("3", "ALTER TABLE customers DROP COLUMN phone");
        Path html = directory.resolve("reports/report.html");
        Path markdown = directory.resolve("reports/report.md");

        Outcome outcome = Rehearsal.configure().target(databases.postgres().location(target)).engine(engine)
                .htmlReportTo(html).markdownReportTo(markdown).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.statements()).anySatisfy(s -> assertThat(s.rewrites()).isNotEmpty());
        HeadlessChromium.Page page = HeadlessChromium.open(html, 2000);
        assertThat(page.console()).isEmpty();
        assertThat(page.count("<rect class=\"bar ")).isEqualTo(outcome.statements().size());
        assertThat(page.count("<rect class=\"bar failed\"")).isEqualTo(
                outcome.statements().stream().filter(StatementTrace::failed).count()).isEqualTo(1);
        assertThat(page.count("<rect class=\"lock lock-rw\"")).as("ACCESS EXCLUSIVE of the type change").isPositive();
        assertThat(page.count("<rect class=\"lock lock-w\"")).as("SHARE of the index build").isPositive();
        assertThat(page.dom()).contains("rewrote table public.orders", "scanned 20,000 rows of public.orders",
                "could not create unique index", "<td class=\"state not-run\">not run</td>",
                "Not rehearsed; its text shows:", "<code>data-loss</code> would drop column phone");
        // kept in target/ for a person to look at (a CI artifact)
        Path screenshot = HeadlessChromium.screenshot(html,
                Files.createDirectories(Path.of("target/screenshots")).resolve("html-report.png"), 1280, 1600);
        assertThat(Files.size(screenshot)).isGreaterThan(20_000);

        Mermaid.Drawing gantt = Mermaid.draw(Mermaid.blocks(Files.readString(markdown)), directory);
        assertThat(gantt.result()).isEqualTo("ok");
        assertThat(gantt.page().count("<rect [^>]*class=\"task[ \"][^>]*")).isPositive();
    }
}
