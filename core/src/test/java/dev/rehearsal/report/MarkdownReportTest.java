package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.trace.StatementTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {

    @Test
    void leadsWithTheVerdictAndTellsThatTheTargetWasNotChanged() {
        String markdown = MarkdownReport.render(SampleOutcomes.blocked());

        assertThat(markdown.lines().findFirst()).hasValue("## ❌ Rehearsal: **BLOCKED**");
        assertThat(markdown).contains("**not safe to apply**: 1 blocking finding(s), 0 warning(s). The target was "
                + "not changed.");
        assertThat(markdown).contains("| 4 | add status | ✅ applied | — not run |");
        assertThat(markdown).contains("| 🛑 | `table-rewrite` | 4 | rewrites orders (1000000 rows) under an ACCESS "
                + "EXCLUSIVE lock | add a new column and backfill it in batches |");
    }

    @Test
    void showsTheFailureWithTheStatementAndTheKeptBranch() {
        String markdown = MarkdownReport.render(SampleOutcomes.failedAndKept(
                "-- one per email\nCREATE UNIQUE INDEX customers_email ON customers (email)"));

        assertThat(markdown).contains("### Failure", "[SQLSTATE 23505]",
                "```sql\nCREATE UNIQUE INDEX customers_email ON customers (email)\n```",
                "Hint: deduplicate the e-mails first", "**kept** until");
        assertThat(markdown).doesNotContain("-- one per email");
    }

    @Test
    void keepsTablesIntactWhateverTheTextHolds() {
        Outcome outcome = SampleOutcomes.failedAndKept("SELECT 'a|b'\nFROM t");
        Outcome withPipes = new Outcome(outcome.verdict(), outcome.target(), outcome.engine(), outcome.migrations(),
                outcome.branch(), outcome.failure(), outcome.findings(),
                List.of(new SchemaChange(SchemaChange.ObjectType.COLUMN, "public.t.a|b", SchemaChange.Kind.ADDED,
                        null, "text")),
                outcome.statements(), outcome.startedAt(), outcome.timings(), null, List.of());

        String markdown = MarkdownReport.render(withPipes);

        assertThat(markdown).contains("<details><summary>Schema changes (1)</summary>");
        assertThat(markdown.lines().filter(line -> line.startsWith("| 1 | 3 |"))).singleElement()
                .satisfies(row -> assertThat(row).contains("`SELECT 'a\\|b' FROM t`"));
    }

    @Test
    void staysUnderGitHubsCommentLimitAndListsTheSlowestStatements() {
        Outcome outcome = SampleOutcomes.promoted();
        List<StatementTrace> many = new ArrayList<>();
        for (int i = 1; i <= 2000; i++) {
            many.add(new StatementTrace(i, "2", "UPDATE t SET v = " + i + " /* " + "x".repeat(150) + " */",
                    Instant.EPOCH, i, 1L, true, null, null));
        }
        Outcome large = new Outcome(outcome.verdict(), outcome.target(), outcome.engine(), outcome.migrations(),
                outcome.branch(), outcome.failure(), outcome.findings(), outcome.schemaChanges(), many,
                outcome.startedAt(), outcome.timings(), null, List.of());

        String markdown = MarkdownReport.render(large);

        assertThat(markdown.length()).isLessThanOrEqualTo(MarkdownReport.MAX_LENGTH);
        assertThat(markdown).contains("Statements (2000, the 25 slowest)", "| 2000 | 2 | 2.0 |");
        assertThat(markdown).doesNotContain("| 1 | 2 | 0.0 |");
    }

    @Test
    void writesTheReportToAFile(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("rehearsal/report.md");

        MarkdownReport.write(SampleOutcomes.promoted(), file);

        assertThat(Files.readString(file)).startsWith("## ✅ Rehearsal: **PROMOTED**");
    }
}
