package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.Mermaid;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.trace.StatementTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {

    @Test
    void leadsWithTheVerdictAndTellsThatTheTargetWasNotChanged() {
        String markdown = MarkdownReport.render(SampleOutcomes.blocked());

        assertThat(markdown.lines().findFirst()).hasValue("## ❌ Rehearsal: **BLOCKED**");
        assertThat(markdown).contains("**not safe to apply**: 1 blocking finding(s), 0 warning(s). The target was "
                + "not changed.");
        assertThat(markdown).contains("| `V4__add_status.sql` | add status | ✅ applied | — not run |");
        assertThat(markdown).contains("| 🛑 | `table-rewrite` | `V4__add_status.sql` | rewrites orders (1000000 rows) "
                + "under an ACCESS EXCLUSIVE lock | add a new column and backfill it in batches<br>or accept it in the "
                + "migration: `-- rehearsal:allow table-rewrite: <why this is safe>` |");
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
        assertThat(markdown.lines().filter(line -> line.startsWith("| 1 | V3__unique_emails.sql |"))).singleElement()
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
        assertThat(markdown).contains("Statements (2000, the 25 slowest)", "| 2000 | V2__add_orders.sql | 2.0 |");
        assertThat(markdown).doesNotContain("| 1 | V2__add_orders.sql | 0.0 |");
    }

    @Test
    void namesEachVerdictWithAHeadlineThatSaysWhatHappenedToTheTarget() {
        assertThat(MarkdownReport.render(SampleOutcomes.promoted()))
                .startsWith("## ✅ Rehearsal: **PROMOTED**\n\nThe migrations passed on a branch of the target and were "
                        + "applied to it. 0 blocking finding(s), 0 warning(s).")
                .contains("Promotion: 2 attempt(s) with lock_timeout 5000 ms, 1 retried after a lock wait",
                        "Dropped 1 orphan branch(es)");
        assertThat(MarkdownReport.render(SampleOutcomes.passedWithLocks()))
                .startsWith("## ✅ Rehearsal: **PASSED**\n\nThe migrations passed on a branch of the target. 0 "
                        + "blocking finding(s), 0 warning(s).");
        assertThat(MarkdownReport.render(SampleOutcomes.blocked()))
                .startsWith("## ❌ Rehearsal: **BLOCKED**\n\nThe migrations ran on a branch of the target but are "
                        + "**not safe to apply**");
        assertThat(MarkdownReport.render(SampleOutcomes.failedAndKept("CREATE UNIQUE INDEX i ON t (e)")))
                .startsWith("## ❌ Rehearsal: **FAILED_ON_BRANCH**\n\nA migration **failed on a copy of the target's "
                        + "real data**. The target was not changed.")
                .contains("> migration `V3__unique_emails.sql` (unique emails) failed on the branch: could not create "
                        + "unique index");
        assertThat(MarkdownReport.render(SampleOutcomes.targetChanged()))
                .startsWith("## ❌ Rehearsal: **TARGET_CHANGED**\n\nThe migrations passed on a branch, but **the "
                        + "target changed** since the branch was made: nothing was promoted.");
        assertThat(MarkdownReport.render(SampleOutcomes.promotionFailed()))
                .startsWith("## ❌ Rehearsal: **PROMOTION_FAILED**\n\nThe migrations passed on the branch but "
                        + "**failed on the target**")
                .contains("| `V2__add_orders.sql` | add orders | ✅ applied | ❌ failed |",
                        "> migration `V2__add_orders.sql` (add orders) failed on the target: relation \"orders\" "
                                + "already exists [SQLSTATE 42P07]");
        assertThat(MarkdownReport.render(SampleOutcomes.diverged()))
                .startsWith("## ❌ Rehearsal: **DIVERGED**\n\nThe migrations were applied to the target, but **the "
                        + "target's schema differs from the rehearsed branch's**")
                .contains("TARGET DIFFERS from the rehearsed branch in 1 place(s)");
    }

    @Test
    void nothingPendingSaysNoBranchWasMadeRatherThanThatItWasRehearsed() {
        String markdown = MarkdownReport.render(SampleOutcomes.nothingPending());

        assertThat(markdown).startsWith("## ✅ Rehearsal: **NOTHING_PENDING**\n\nNothing to migrate: no migration was "
                + "pending on the target, so no branch was made and nothing was changed.");
        assertThat(markdown).contains("<sub>Checked in 9 ms: no branch was made and the target was not changed.</sub>");
        assertThat(markdown).doesNotContain("on a branch of the target", "| Migration |", "```mermaid");
    }

    @Test
    void namesChangeSetsByFileIdAndAuthor() {
        Outcome outcome = SampleOutcomes.withVerdict(new Outcome(Verdict.PASSED, SampleOutcomes.TARGET,
                "Liquibase 4.33.0", List.of(new Outcome.MigrationStatus("db/changelog/orders.xml::7::alice",
                        "addColumn", "db/changelog/orders.xml", State.APPLIED, State.NOT_RUN)), null, null,
                List.of(new Finding("blocking-lock", Severity.WARNING, "db/changelog/orders.xml::7::alice", null,
                        "holds ACCESS EXCLUSIVE on public.orders for 2 s", Map.of(), null)),
                List.of(), List.of(), SampleOutcomes.STARTED, SampleOutcomes.TIMINGS, null, List.of()),
                Verdict.PASSED);

        String markdown = MarkdownReport.render(outcome);

        assertThat(markdown).contains("| `db/changelog/orders.xml::7::alice` | addColumn | ✅ applied | — not run |",
                "| ⚠️ | `blocking-lock` | `db/changelog/orders.xml::7::alice` | holds ACCESS EXCLUSIVE on public.orders "
                        + "for 2 s | or accept it in the migration: `-- rehearsal:allow blocking-lock: <why this is "
                        + "safe>` |");
    }

    @Test
    void givesAnAcknowledgementLineOnlyWhereAMigrationCanAcceptTheFinding() {
        String failed = MarkdownReport.render(new Outcome(Verdict.FAILED_ON_BRANCH, SampleOutcomes.TARGET, "Flyway",
                List.of(), null, null, List.of(Finding.ofFailedMigration("3", "CREATE UNIQUE INDEX i ON t (e)",
                "23505", "could not create unique index", null)), List.of(), List.of(), SampleOutcomes.STARTED,
                SampleOutcomes.TIMINGS, null, List.of()));
        String acknowledged = MarkdownReport.render(SampleOutcomes.passedWithLocks());

        assertThat(failed).contains("`failed-on-data`").doesNotContain("rehearsal:allow");
        assertThat(acknowledged).contains("| ☑️ | `table-rewrite` | `V5__bigint_ids.sql` |",
                "<br>*acknowledged:* orders is empty in production").doesNotContain("or accept it");
    }

    @Test
    void drawsTheLocksThatBlockProductionAsAGanttPerTable() {
        String markdown = MarkdownReport.render(SampleOutcomes.passedWithLocks());

        assertThat(Mermaid.blocks(markdown)).singleElement().isEqualTo("""
                gantt
                    dateFormat x
                    axisFormat %M:%S.%L
                    section public.orders
                    ACCESS EXCLUSIVE by V5__bigint_ids.sql statement 2 :crit, 3, 1303
                    SHARE by V5__bigint_ids.sql statement 3 :active, 1255, 1303
                """);
    }

    @Test
    void leavesTheGanttOutWhenNoLockMadeAnyoneWait() {
        assertThat(MarkdownReport.render(SampleOutcomes.promoted())).doesNotContain("```mermaid", "Locks production");
    }

    @Test
    void listsWhatTheTextOfMigrationsThatDidNotRunShows() {
        Outcome failed = SampleOutcomes.failedAndKept("CREATE UNIQUE INDEX i ON t (e)");
        List<Outcome.MigrationStatus> migrations = new ArrayList<>(failed.migrations());
        migrations.add(new Outcome.MigrationStatus("4", "drop phone", "V4__drop_phone.sql", State.NOT_RUN,
                State.NOT_RUN, List.of(new Risk("data-loss", "ALTER TABLE customers DROP COLUMN phone",
                "would drop column customers.phone and its data (read from the migration's text; it did not run on "
                        + "the branch)", "copy the column first"))));
        Outcome withRisks = new Outcome(failed.verdict(), failed.target(), failed.engine(), migrations,
                failed.branch(), failed.failure(), failed.findings(), List.of(), failed.statements(),
                failed.startedAt(), failed.timings(), null, List.of());

        String markdown = MarkdownReport.render(withRisks);

        assertThat(markdown).contains("### Not rehearsed", "- `V4__drop_phone.sql`\n  - `data-loss` would drop column "
                + "customers.phone and its data (read from the migration's text; it did not run on the branch) — copy "
                + "the column first\n");
    }

    @Test
    void writesTheReportToAFile(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("rehearsal/report.md");

        MarkdownReport.write(SampleOutcomes.promoted(), file);

        assertThat(Files.readString(file)).startsWith("## ✅ Rehearsal: **PROMOTED**");
    }
}
