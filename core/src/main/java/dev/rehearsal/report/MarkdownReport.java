package dev.rehearsal.report;

import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.check.Finding;
import dev.rehearsal.internal.OneLine;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** Mermaid draws a few hundred bars slowly and GitHub gives up; the slowest locks matter most anyway. */
    private static final int MAX_GANTT_BARS = 60;

    private MarkdownReport() {
    }

    public static String render(Outcome outcome) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(icon(outcome.verdict())).append(" Rehearsal: **").append(outcome.verdict())
                .append("**\n\n");
        md.append(Wording.headline(outcome, words -> "**" + words + "**")).append("\n\n");
        md.append("Target `").append(outcome.target()).append("` · ").append(outcome.engine());
        BranchSummary branch = outcome.branch();
        if (branch != null) {
            md.append(" · branch `").append(branch.name()).append("` (").append(branch.copyMethod()).append(", ")
                    .append(branch.creationMillis()).append(" ms, ")
                    .append(branch.kept() ? "**kept** until " + Wording.time(branch.expiresAt()) + ": `" + branch.url()
                            + "`"
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
                md.append("| `").append(code(migration.name())).append("` | ").append(cell(migration.description()))
                        .append(" | ").append(state(migration.branch())).append(" | ").append(state(migration.target()))
                        .append(" |\n");
            }
            md.append('\n');
        }
        Map<String, String> names = Wording.migrationNames(outcome);
        MigrationFailure failure = outcome.failure();
        if (failure != null) {
            md.append("### Failure\n\n").append("> ").append(cell(failure.migration() == null ? failure.summary()
                    : failure.summary().replaceFirst("^migration " + Pattern.quote(failure.migration()),
                    Matcher.quoteReplacement("migration `" + code(names.getOrDefault(failure.migration(),
                            failure.migration())) + "`")))).append("\n\n");
            if (failure.statement() != null) {
                md.append("```sql\n").append(OneLine.withoutLeadingComments(failure.statement()))
                        .append("\n```\n\n");
            }
            if (failure.hint() != null) {
                md.append("Hint: ").append(failure.hint()).append("\n\n");
            }
        }
        if (!outcome.findings().isEmpty()) {
            md.append("### Findings\n\n| | Kind | Migration | Finding | Do it safely |\n|---|---|---|---|---|\n");
            for (Finding finding : Wording.findingsInOrder(outcome)) {
                md.append("| ").append(icon(finding)).append(" | `").append(finding.kind()).append("` | ")
                        .append(finding.migration() == null ? "" : "`" + code(names.getOrDefault(finding.migration(),
                                finding.migration())) + "`").append(" | ")
                        .append(cell(finding.message()))
                        .append(finding.acknowledgement() == null ? ""
                                : "<br>*acknowledged:* " + cell(finding.acknowledgement()))
                        .append(" | ").append(cell(finding.remedy() == null ? "" : finding.remedy()));
                if (finding.acknowledgement() == null && finding.allowComment() != null) {
                    md.append(finding.remedy() == null ? "" : "<br>").append("or accept it in the migration: `")
                            .append(code(finding.allowComment())).append('`');
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        queries(md, outcome, names);
        risks(md, outcome);
        gantt(md, outcome);
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
                md.append("| ").append(statement.sequence()).append(" | ").append(cell(names.getOrDefault(
                        statement.migration(), statement.migration())))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f", statement.durationMicros() / 1000.0))
                        .append(" | ").append(statement.rowsAffected() == null ? "" : statement.rowsAffected())
                        .append(" | ").append(cell(locks(statement))).append(" | `")
                        .append(cell(abbreviate(statement.sql()).replace("`", "'"))).append("` |\n");
            }
            md.append("\n</details>\n\n");
        }
        md.append("<sub>").append(Wording.closing(outcome)).append("</sub>\n");
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

    /** The migrations that did not run after one failed, with what their text shows they would do. */
    private static void risks(StringBuilder md, Outcome outcome) {
        List<MigrationStatus> risky = outcome.migrations().stream().filter(m -> !m.risks().isEmpty()).toList();
        if (risky.isEmpty()) {
            return;
        }
        md.append("### Not rehearsed\n\nThese migrations did not run on the branch because an earlier one failed. "
                + "Their text shows (read, not observed on the data):\n\n");
        for (MigrationStatus migration : risky) {
            md.append("- `").append(code(migration.name())).append("`\n");
            for (Risk risk : migration.risks()) {
                md.append("  - `").append(risk.kind()).append("` ").append(line(risk.message()));
                if (risk.remedy() != null) {
                    md.append(" — ").append(line(risk.remedy()));
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    /**
     * A Mermaid gantt (GitHub draws it) of the locks that make production wait: one bar per lock that blocks reads or
     * writes on a table that existed before, from its statement's start for as long as its transaction held it, one
     * section per table; red ({@code crit}) when it blocks reads too.
     */
    private static void gantt(StringBuilder md, Outcome outcome) {
        record Bar(String table, String line, long heldMillis) {
        }
        List<Bar> bars = new ArrayList<>();
        for (Timeline.Row row : Timeline.of(outcome, Integer.MAX_VALUE).rows()) {
            if (row.name() == null) {
                continue;
            }
            for (LockTrace lock : row.blockingLocks()) {
                long start = Math.round(row.startMillis());
                long end = start + Math.max(1, lock.heldMillis());
                bars.add(new Bar(lock.relation(), "    " + mermaidText(lock.mode().sqlName() + " by " + row.name()
                        + " statement " + row.statement().sequence()) + " :" + (lock.blocksReads() ? "crit, "
                        : "active, ") + start + ", " + end, lock.heldMillis()));
            }
        }
        if (bars.isEmpty()) {
            return;
        }
        List<Bar> longest = bars.stream().sorted(Comparator.comparingLong(Bar::heldMillis).reversed())
                .limit(MAX_GANTT_BARS).toList();
        Map<String, List<String>> byTable = new LinkedHashMap<>();
        bars.stream().filter(longest::contains)
                .forEach(bar -> byTable.computeIfAbsent(bar.table(), t -> new ArrayList<>()).add(bar.line()));
        md.append("### Locks production would wait for\n\n")
                .append(bars.size() > longest.size() ? "The " + longest.size() + " longest of " + bars.size()
                        + " locks. " : "")
                .append("Red: reads and writes wait; blue: writes wait. Held this long on the branch; on production a "
                        + "lock also first waits for the sessions already using its table.\n\n")
                .append("```mermaid\ngantt\n    dateFormat x\n    axisFormat %M:%S.%L\n");
        byTable.forEach((table, lines) -> {
            md.append("    section ").append(mermaidText(table)).append('\n');
            lines.forEach(line -> md.append(line).append('\n'));
        });
        md.append("```\n\n");
    }

    /** Text Mermaid's gantt grammar takes as a name: no colon, hash or semicolon, which it reads as syntax. */
    private static String mermaidText(String text) {
        return text.replaceAll("[:#;\\r\\n`]", " ").replaceAll("\\s+", " ").strip();
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

    /**
     * The running version's queries that findings are about ({@code broken-query}, {@code plan-regression}), each
     * whole, as normalized (constants as {@code $1}, ...), with how often it ran and where that was read.
     */
    private static void queries(StringBuilder md, Outcome outcome, Map<String, String> names) {
        List<Finding> about = Wording.findingsInOrder(outcome).stream()
                .filter(f -> f.evidence().get("query") instanceof String).toList();
        if (about.isEmpty()) {
            return;
        }
        md.append("### Queries of the running version\n\n");
        for (Finding finding : about) {
            Object calls = finding.evidence().get("calls");
            md.append("- ").append(icon(finding)).append(" `").append(finding.kind()).append("`")
                    .append(calls == null ? "" : " · run " + calls + (Long.valueOf(1).equals(calls) ? " time" : " times"))
                    .append(finding.evidence().get("source") == null ? ""
                            : " · " + cell(String.valueOf(finding.evidence().get("source"))))
                    .append(finding.migration() == null ? "" : " · broken by `" + code(names.getOrDefault(
                            finding.migration(), finding.migration())) + "`")
                    .append(finding.evidence().get("error") == null ? ""
                            : " · " + cell(String.valueOf(finding.evidence().get("error"))))
                    .append("\n\n  ```sql\n  ").append(String.valueOf(finding.evidence().get("query"))
                            .replace("```", "` ` `").replace("\n", "\n  ")).append("\n  ```\n\n");
        }
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
        return OneLine.abbreviate(sql == null ? null : OneLine.withoutLeadingComments(sql), MAX_SQL);
    }

    /** Text safe inside inline code in a table cell: no backquotes, pipes or newlines. */
    private static String code(String text) {
        return cell(text.replace("`", "'"));
    }

    /** Text on one line. */
    private static String line(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    /** Text safe inside a table cell: no pipes or newlines. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replaceAll("\\r?\\n", " ");
    }
}
