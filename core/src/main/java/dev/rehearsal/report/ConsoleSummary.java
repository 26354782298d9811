package dev.rehearsal.report;

import dev.rehearsal.check.Finding;
import dev.rehearsal.check.StaticRisks;
import dev.rehearsal.internal.OneLine;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Outcome.Promotion;
import dev.rehearsal.outcome.Outcome.Timings;
import java.util.Locale;

/** The outcome in one screen of plain text, for logs and terminals. */
final class ConsoleSummary {
    private static final int MAX_STATEMENT = 300;
    private static final int MAX_RISK = 150;

    private ConsoleSummary() {
    }

    public static String render(Outcome outcome) {
        StringBuilder text = new StringBuilder();
        text.append("Rehearsal of ").append(outcome.target()).append(" with ").append(outcome.engine())
                .append(": ").append(outcome.verdict()).append('\n');
        BranchSummary branch = outcome.branch();
        if (branch != null) {
            text.append("  branch   ").append(branch.name()).append(" (").append(branch.copyMethod()).append(", ")
                    .append(branch.creationMillis()).append(" ms) ");
            text.append(branch.kept() ? "KEPT until " + branch.expiresAt() + " at " + branch.url() : "dropped")
                    .append('\n');
        }
        if (outcome.migrations().isEmpty()) {
            text.append("  nothing pending\n");
        }
        for (MigrationStatus migration : outcome.migrations()) {
            text.append(String.format(Locale.ROOT, "  %-8s %-40s branch: %-8s target: %s%n", migration.id(),
                    OneLine.abbreviate(migration.description(), 40), migration.branch(), migration.target()));
            if (!migration.risks().isEmpty()) {
                text.append("           not run; read from its text, not observed:\n");
            }
            for (Risk risk : migration.risks()) {
                // the heading says what the risks rest on: each line keeps only what the statement would do
                text.append("             [").append(risk.kind()).append("] ")
                        .append(OneLine.abbreviate(risk.message().replace(StaticRisks.NOT_OBSERVED, ""), MAX_RISK))
                        .append('\n');
            }
        }
        MigrationFailure failure = outcome.failure();
        if (failure != null) {
            text.append("  FAILED   ").append(failure.summary()).append('\n');
            if (failure.statement() != null) {
                text.append("           statement").append(failure.line() == null ? "" : " at line " + failure.line())
                        .append(": ").append(OneLine.abbreviate(OneLine.withoutLeadingComments(failure.statement()),
                                MAX_STATEMENT))
                        .append('\n');
            }
            if (failure.hint() != null) {
                text.append("           hint: ").append(failure.hint()).append('\n');
            }
        }
        for (Finding finding : outcome.findings()) {
            text.append("  ").append(String.format(Locale.ROOT, "%-8s", finding.severity())).append(' ')
                    .append('[').append(finding.kind()).append("] ")
                    .append(finding.migration() == null ? "" : finding.migration() + ": ")
                    .append(finding.message()).append('\n');
            if (finding.acknowledgement() != null) {
                text.append("           acknowledged: ").append(finding.acknowledgement()).append('\n');
            } else if (finding.remedy() != null) {
                text.append("           safer: ").append(finding.remedy()).append('\n');
            }
        }
        Promotion promotion = outcome.promotion();
        if (promotion != null) {
            text.append("  promote  ").append(promotionLine(promotion)).append('\n');
        }
        if (!outcome.orphansDropped().isEmpty()) {
            text.append("  orphans  dropped ").append(String.join(", ", outcome.orphansDropped())).append('\n');
        }
        Timings timings = outcome.timings();
        if (!outcome.schemaChanges().isEmpty()) {
            text.append("  schema   ").append(outcome.schemaChanges().size()).append(" change(s)\n");
        }
        text.append(String.format(Locale.ROOT, "  took %d ms (branch %d, catalog %d, migrate %d, checks %d, "
                        + "discard %d, promote %d)", timings.totalMillis(), timings.branchMillis(),
                timings.catalogMillis(), timings.migrateMillis(), timings.checkMillis(), timings.discardMillis(),
                timings.promoteMillis()));
        return text.toString();
    }

    /** Attempts, retries and verification of a promotion, in one line. */
    public static String promotionLine(Promotion promotion) {
        StringBuilder line = new StringBuilder();
        line.append(promotion.attempts()).append(" attempt(s) with lock_timeout ")
                .append(promotion.lockTimeout().toMillis()).append(" ms");
        if (!promotion.retries().isEmpty()) {
            line.append(", ").append(promotion.retries().size()).append(" retried after a lock wait (waited ")
                    .append(promotion.retries().stream().mapToLong(Promotion.Retry::waitedMillis).sum())
                    .append(" ms)");
        }
        if (promotion.verified()) {
            line.append("; target schema verified equal to the rehearsed branch's");
        } else if (!promotion.differences().isEmpty()) {
            line.append("; TARGET DIFFERS from the rehearsed branch in ").append(promotion.differences().size())
                    .append(" place(s)");
        }
        return line.toString();
    }
}
