package dev.rehearsal.report;

import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The outcome as GitHub-flavoured Markdown, for a pull-request comment: the verdict first, then the migrations, the
 * failure, the findings with how to do it safely, and — folded — the schema changes and the slowest statements with
 * their locks. Kept under GitHub's comment size limit.
 */
final class MarkdownReport {
    /** GitHub rejects comments over 65 536 characters. */
    static final int MAX_LENGTH = 60_000;
    private static final int MAX_STATEMENTS = 25;
    private static final int MAX_SQL = 160;

    private MarkdownReport() {
    }

    public static String render(Outcome outcome) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(icon(outcome.verdict())).append(" Rehearsal: **").append(outcome.verdict())
                .append("**\n\n");
        md.append(headline(outcome)).append("\n\n");
        md.append("Target `").append(outcome.target()).append("` · ").append(outcome.engine());
        BranchSummary branch = outcome.branch();
        if (branch != null) {
            md.append(" · branch `").append(branch.name()).append("` (").append(branch.copyMethod()).append(", ")
                    .append(branch.creationMillis()).append(" ms, ")
                    .append(branch.kept() ? "**kept** until " + branch.expiresAt() + ": `" + branch.url() + "`"
                            : "dropped")
                    .append(')');
        }
        md.append("\n\n");
        if (outcome.promotion() != null) {
            md.append("Promotion: ").append(ConsoleSummary.promotionLine(outcome.promotion())).append(".\n\n");
        }
        if (!outcome.orphansDropped().isEmpty()) {
            md.append("Dropped ").append(outcome.orphansDropped().size()).append(" orphan branch(es) left by earlier "
                    + "runs.\n\n");
        }
        if (!outcome.migrations().isEmpty()) {
            md.append("| Migration | Description | Branch | Target |\n|---|---|---|---|\n");
            for (MigrationStatus migration : outcome.migrations()) {
                md.append("| ").append(cell(migration.id())).append(" | ").append(cell(migration.description()))
                        .append(" | ").append(state(migration.branch())).append(" | ").append(state(migration.target()))
                        .append(" |\n");
            }
            md.append('\n');
        }
        MigrationFailure failure = outcome.failure();
        if (failure != null) {
            md.append("### Failure\n\n").append("> ").append(cell(failure.summary())).append("\n\n");
            if (failure.statement() != null) {
                md.append("```sql\n").append(ConsoleSummary.withoutLeadingComments(failure.statement()))
                        .append("\n```\n\n");
            }
            if (failure.hint() != null) {
                md.append("Hint: ").append(failure.hint()).append("\n\n");
            }
        }
        if (!outcome.findings().isEmpty()) {
            md.append("### Findings\n\n| | Kind | Migration | Finding | Do it safely |\n|---|---|---|---|---|\n");
            for (Finding finding : outcome.findings().stream()
                    .sorted(Comparator.comparing(Finding::isBlocking).reversed()
                            .thenComparing(f -> -f.severity().ordinal())).toList()) {
                md.append("| ").append(icon(finding)).append(" | `").append(finding.kind()).append("` | ")
                        .append(cell(finding.migration() == null ? "" : finding.migration())).append(" | ")
                        .append(cell(finding.message()))
                        .append(finding.acknowledgement() == null ? ""
                                : "<br>*acknowledged:* " + cell(finding.acknowledgement()))
                        .append(" | ").append(cell(finding.remedy() == null ? "" : finding.remedy())).append(" |\n");
            }
            md.append('\n');
        }
        if (!outcome.schemaChanges().isEmpty()) {
            md.append("<details><summary>Schema changes (").append(outcome.schemaChanges().size())
                    .append(")</summary>\n\n");
            for (SchemaChange change : outcome.schemaChanges()) {
                md.append("- ").append(cell(change.describe())).append('\n');
            }
            md.append("\n</details>\n\n");
        }
        List<StatementTrace> statements = outcome.statements().stream().filter(s -> s.migration() != null)
                .sorted(Comparator.comparingLong(StatementTrace::durationMicros).reversed())
                .limit(MAX_STATEMENTS).toList();
        if (!statements.isEmpty()) {
            long total = outcome.statements().stream().filter(s -> s.migration() != null).count();
            md.append("<details><summary>Statements (").append(total).append(total > MAX_STATEMENTS
                    ? ", the " + MAX_STATEMENTS + " slowest" : "").append(")</summary>\n\n")
                    .append("| # | Migration | ms | Rows | Locks | SQL |\n|---|---|---|---|---|---|\n");
            for (StatementTrace statement : statements) {
                md.append("| ").append(statement.sequence()).append(" | ").append(cell(statement.migration()))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f", statement.durationMicros() / 1000.0))
                        .append(" | ").append(statement.rowsAffected() == null ? "" : statement.rowsAffected())
                        .append(" | ").append(cell(locks(statement))).append(" | `")
                        .append(cell(abbreviate(statement.sql()).replace("`", "'"))).append("` |\n");
            }
            md.append("\n</details>\n\n");
        }
        md.append("<sub>Rehearsed in ").append(outcome.timings().totalMillis()).append(" ms on a branch of the "
                + "target: nothing reached the target unless the verdict is PROMOTED.</sub>\n");
        if (md.length() > MAX_LENGTH) {
            return md.substring(0, MAX_LENGTH - 80) + "\n\n… (truncated: see the JSON report for everything)\n";
        }
        return md.toString();
    }

    /** Writes the report to {@code file}, creating its directories; replaced atomically where possible. */
    public static void write(Outcome outcome, Path file) {
        try {
            ReportFiles.write(file, render(outcome));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Markdown report to " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static String headline(Outcome outcome) {
        long blocking = outcome.findings().stream().filter(Finding::isBlocking).count();
        long warnings = outcome.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
        String counts = blocking + " blocking finding(s), " + warnings + " warning(s)";
        return switch (outcome.verdict()) {
            case PROMOTED -> "The migrations passed on a branch of the target and were applied to it. " + counts + ".";
            case PASSED -> "The migrations passed on a branch of the target. " + counts + ".";
            case NOTHING_PENDING -> "Nothing to migrate.";
            case BLOCKED -> "The migrations ran on a branch of the target but are **not safe to apply**: " + counts
                    + ". The target was not changed.";
            case FAILED_ON_BRANCH -> "A migration **failed on a copy of the target's real data**. The target was not "
                    + "changed.";
            case TARGET_CHANGED -> "The migrations passed on a branch, but **the target changed** since the branch "
                    + "was made: nothing was promoted. Run again to rehearse the target as it is now.";
            case PROMOTION_FAILED -> "The migrations passed on the branch but **failed on the target**: see which "
                    + "were applied below.";
            case DIVERGED -> "The migrations were applied to the target, but **the target's schema differs from the "
                    + "rehearsed branch's**: see the differences below.";
        };
    }

    private static String locks(StatementTrace statement) {
        return statement.locks().stream().filter(LockTrace::existedBefore)
                .filter(lock -> lock.blocksReads() || lock.blocksWrites())
                .map(lock -> lock.mode().sqlName() + " " + lock.relation() + " " + lock.heldMillis() + " ms")
                .collect(Collectors.joining("<br>"));
    }

    private static String icon(Verdict verdict) {
        return verdict.isSuccess() ? "✅" : "❌";
    }

    private static String icon(Finding finding) {
        if (finding.acknowledgement() != null) {
            return "☑️";
        }
        return switch (finding.severity()) {
            case BLOCKING -> "🛑";
            case WARNING -> "⚠️";
            case INFO -> "ℹ️";
        };
    }

    private static String state(MigrationStatus.State state) {
        return switch (state) {
            case APPLIED -> "✅ applied";
            case FAILED -> "❌ failed";
            case NOT_RUN -> "— not run";
        };
    }

    private static String abbreviate(String sql) {
        return ConsoleSummary.abbreviate(sql == null ? null : ConsoleSummary.withoutLeadingComments(sql), MAX_SQL);
    }

    /** Text safe inside a table cell: no pipes or newlines. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replaceAll("\\r?\\n", " ");
    }
}
