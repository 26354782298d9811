package dev.rehearsal.outcome;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.check.Finding;
import dev.rehearsal.trace.StatementTrace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The immutable result of one run: the verdict and all the evidence behind it. Rendered as JSON by
 * {@link dev.rehearsal.report.Reports#json} and as text by {@link dev.rehearsal.report.Reports#summary}.
 *
 * <pre>{@code
 * Outcome outcome = rehearsal.run();
 * if (outcome.verdict() == Verdict.BLOCKED) {
 *     outcome.reasons().forEach(System.err::println);
 * }
 * outcome.orThrow(); // or: fail application start-up unless the target is migrated
 * }</pre>
 *
 * @param verdict    how the run ended
 * @param target     the target's JDBC URL, without credentials
 * @param engine     the migration tool and its version
 * @param migrations every pending migration and what happened to it
 * @param branch     the branch used, or null when none was made
 * @param failure    why a migration failed (on the branch or the target), or null
 * @param findings   what the checks found
 * @param schemaChanges the schema diff the migrations made on the branch (empty when they failed there)
 * @param statements every statement executed on the branch
 * @param startedAt  when the run started
 * @param timings    where the time went
 * @param promotion  how the migrations reached the target (attempts, retries, verification), or null when promotion
 *                   was not attempted or the target had changed
 * @param orphansDropped branches left behind by earlier, interrupted runs (or expired) that this run dropped first
 * @param reportFailures the reports ({@code reportTo}, {@code markdownReportTo}) that could not be written at the end
 *                   of the run, one sentence each naming the file and the cause; empty when all were written. A
 *                   report that cannot be written never changes the verdict (the target may have been migrated)
 */
public record Outcome(Verdict verdict, String target, String engine, List<MigrationStatus> migrations,
                      BranchSummary branch, MigrationFailure failure, List<Finding> findings,
                      List<SchemaChange> schemaChanges, List<StatementTrace> statements, Instant startedAt,
                      Timings timings, Promotion promotion, List<String> orphansDropped,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> reportFailures) {
    public Outcome {
        Objects.requireNonNull(verdict, "verdict");
        migrations = List.copyOf(migrations);
        findings = List.copyOf(findings);
        schemaChanges = List.copyOf(schemaChanges);
        statements = List.copyOf(statements);
        orphansDropped = orphansDropped == null ? List.of() : List.copyOf(orphansDropped);
        reportFailures = reportFailures == null ? List.of() : List.copyOf(reportFailures);
    }

    /** An outcome whose reports were all written. */
    public Outcome(Verdict verdict, String target, String engine, List<MigrationStatus> migrations,
                   BranchSummary branch, MigrationFailure failure, List<Finding> findings,
                   List<SchemaChange> schemaChanges, List<StatementTrace> statements, Instant startedAt,
                   Timings timings, Promotion promotion, List<String> orphansDropped) {
        this(verdict, target, engine, migrations, branch, failure, findings, schemaChanges, statements, startedAt,
                timings, promotion, orphansDropped, List.of());
    }

    /** This outcome, with the reports that could not be written. */
    public Outcome withReportFailures(List<String> failures) {
        return new Outcome(verdict, target, engine, migrations, branch, failure, findings, schemaChanges, statements,
                startedAt, timings, promotion, orphansDropped, failures);
    }

    /** The blocking findings (empty unless {@link Verdict#BLOCKED}). */
    @JsonIgnore
    public List<Finding> blockingFindings() {
        return findings.stream().filter(Finding::isBlocking).toList();
    }

    /** Why the run did not succeed, one sentence each; empty for a successful run. */
    @JsonIgnore
    public List<String> reasons() {
        List<String> reasons = new ArrayList<>();
        if (failure != null) {
            reasons.add(failure.summary());
        }
        for (Finding finding : blockingFindings()) {
            reasons.add("[" + finding.kind() + "] " + (finding.migration() == null ? "" : "migration "
                    + finding.migration() + ": ") + finding.message());
        }
        return List.copyOf(reasons);
    }

    /**
     * Returns this outcome when the run succeeded; otherwise throws a {@link RehearsalFailedException} that
     * carries it, with a message listing the reasons. Convenient at application start-up.
     */
    public Outcome orThrow() {
        if (verdict.isSuccess()) {
            return this;
        }
        throw new RehearsalFailedException(verdict.errorCode(), "Rehearsal of " + target + ": " + verdict
                + (branch != null && branch.kept() ? " (branch " + branch.name() + " kept until "
                + branch.expiresAt() + ": " + branch.url() + ")" : "")
                + "\n  " + String.join("\n  ", reasons()), this);
    }
}
