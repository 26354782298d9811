package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.StaticRisks;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleSummaryTest {
    private static final String UNIQUE_EMAIL = "CREATE UNIQUE INDEX customers_email\n    ON customers (email)";

    @Test
    void startsWithTheVerdictLineAndListsEveryMigration() {
        String summary = ConsoleSummary.render(SampleOutcomes.promoted());

        assertThat(summary.lines()).containsExactly(
                "Rehearsal of jdbc:postgresql://db:5432/shop with Flyway 13.12.0: PROMOTED",
                "  branch   rehearsal_shop_20261123T215301_k3f9qa (FILE_COPY (file_copy_method=clone), 120 ms) dropped",
                "  2        add orders                               branch: APPLIED  target: APPLIED",
                "  promote  2 attempt(s) with lock_timeout 5000 ms, 1 retried after a lock wait (waited 1400 ms); "
                        + "target schema verified equal to the rehearsed branch's",
                "  orphans  dropped rehearsal_shop_20261122T101500_a1b2c3",
                "  took 530 ms (branch 120, catalog 0, migrate 300, checks 40, discard 60, promote 0)");
    }

    @Test
    void saysNothingWasPendingAndMentionsNoBranch() {
        String summary = ConsoleSummary.render(SampleOutcomes.nothingPending());

        assertThat(summary.lines()).containsExactly(
                "Rehearsal of jdbc:postgresql://db:5432/shop with Flyway 13.12.0: NOTHING_PENDING",
                "  nothing pending",
                "  took 9 ms (branch 0, catalog 0, migrate 0, checks 0, discard 0, promote 0)");
    }

    @Test
    void showsTheFailureInTheServersWordsWithTheStatementItsLineAndTheHint() {
        String summary = ConsoleSummary.render(SampleOutcomes.failedAndKept(UNIQUE_EMAIL));

        assertThat(summary.lines()).contains(
                "  FAILED   migration 3 (unique emails) failed on the branch: could not create unique index "
                        + "\"customers_email\" [SQLSTATE 23505] — Key (email)=(a@example.com) is duplicated.",
                "           statement at line 4: CREATE UNIQUE INDEX customers_email ON customers (email)",
                "           hint: deduplicate the e-mails first",
                "  3        unique emails                            branch: FAILED   target: NOT_RUN");
    }

    @Test
    void saysWhereAKeptBranchIsAndUntilWhen() {
        String summary = ConsoleSummary.render(SampleOutcomes.failedAndKept(UNIQUE_EMAIL));

        assertThat(summary.lines()).contains("  branch   rehearsal_shop_20261123T215301_k3f9qa (FILE_COPY "
                + "(file_copy_method=clone), 120 ms) KEPT until 2026-11-24T05:53:01Z at "
                + "jdbc:postgresql://db:5432/rehearsal_shop_20261123T215301_k3f9qa");
    }

    @Test
    void showsTheFailingStatementWithoutTheCommentsThatPrecedeIt() {
        String statement = "-- One account per email.\n  -- Fails on production data.\nCREATE UNIQUE INDEX e ON c (lower(email))";

        String statementLine = ConsoleSummary.render(SampleOutcomes.failedAndKept(statement)).lines()
                .filter(line -> line.contains("statement at line")).findFirst().orElseThrow();

        assertThat(statementLine).isEqualTo("           statement at line 4: CREATE UNIQUE INDEX e ON c (lower(email))");
    }

    @Test
    void abbreviatesALongStatementToOneLine() {
        String longStatement = "INSERT INTO audit VALUES\n" + "(1, 'x'),\n".repeat(100);

        String statementLine = ConsoleSummary.render(SampleOutcomes.failedAndKept(longStatement)).lines()
                .filter(line -> line.contains("statement at line")).findFirst().orElseThrow();

        assertThat(statementLine).startsWith("           statement at line 4: INSERT INTO audit VALUES (1, 'x'), (1,")
                .endsWith("…").hasSize("           statement at line 4: ".length() + 300);
    }

    @Test
    void listsFindingsWithSeverityKindMigrationAndTheSaferWay() {
        String summary = ConsoleSummary.render(SampleOutcomes.blocked());

        assertThat(summary.lines()).contains(
                "Rehearsal of jdbc:postgresql://db:5432/shop with Flyway 13.12.0: BLOCKED",
                "  BLOCKING [table-rewrite] 4: rewrites orders (1000000 rows) under an ACCESS EXCLUSIVE lock",
                "           safer: add a new column and backfill it in batches",
                "  INFO     [slow-statement] took 2 s");
    }

    @Test
    void listsWhatTheTextOfAMigrationThatDidNotRunShowsUnderIt() {
        Outcome failed = SampleOutcomes.failedAndKept(UNIQUE_EMAIL);
        List<MigrationStatus> migrations = new ArrayList<>(failed.migrations());
        migrations.add(new MigrationStatus("4", "tidy customers", "V4__tidy_customers.sql", State.NOT_RUN,
                State.NOT_RUN, StaticRisks.of("4", "-- rehearsal:allow blocking-lock: tiny table\n"
                        + "ALTER TABLE customers DROP COLUMN phone; ALTER TABLE customers ALTER COLUMN id TYPE bigint;"
                        + "ALTER TABLE customers ALTER COLUMN email SET NOT NULL").stream()
                .map(r -> new Risk(r.kind(), r.statement(), r.message(), r.remedy())).toList()));
        Outcome withRisks = new Outcome(failed.verdict(), failed.target(), failed.engine(), migrations, failed.branch(),
                failed.failure(), failed.findings(), failed.schemaChanges(), failed.statements(), failed.startedAt(),
                failed.timings(), failed.promotion(), failed.orphansDropped());

        List<String> lines = ConsoleSummary.render(withRisks).lines().toList();

        int migration = lines.indexOf("  4        tidy customers                           branch: NOT_RUN  target: NOT_RUN");
        assertThat(migration).isPositive();
        assertThat(lines.subList(migration + 1, migration + 5)).containsExactly(
                "           not run; read from its text, not observed:",
                "             [data-loss] would drop column phone of table customers and its values",
                "             [table-rewrite] would change column id of table customers to bigint, which may rewrite the "
                        + "table under ACCESS EXCLUSIVE (unless the type only widens, e.g. a longer v…",
                "             [blocking-lock] would scan table customers under ACCESS EXCLUSIVE to check that column "
                        + "email holds no NULLs; acknowledged: tiny table");
        assertThat(ConsoleSummary.render(failed)).doesNotContain("read from its text");
    }
}
