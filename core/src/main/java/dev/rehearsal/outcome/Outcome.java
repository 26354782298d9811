package dev.rehearsal.outcome;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.check.Finding;
import dev.rehearsal.trace.StatementTrace;
import java.time.Duration;
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

    /**
     * One pending migration and what happened to it on the branch and on the target.
     *
     * @param id          the engine's id (a Flyway version, a Liquibase {@code file::id::author})
     * @param description the engine's description
     * @param script      the script or class
     * @param branch      what happened on the branch
     * @param target      what happened on the target
     * @param risks       for a migration that did not run on the branch because an earlier one failed there: what
     *                    its SQL text shows it would do, read without running it (empty otherwise, and for a
     *                    migration whose text the engine cannot give, e.g. a Java migration)
     */
    public record MigrationStatus(String id, String description, String script, State branch, State target,
                                  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Risk> risks) {
        public MigrationStatus {
            Objects.requireNonNull(id, "id");
            risks = risks == null ? List.of() : List.copyOf(risks);
        }

        /** A migration without risks read from its text. */
        public MigrationStatus(String id, String description, String script, State branch, State target) {
            this(id, description, script, branch, target, List.of());
        }

        /**
         * How reviewers know the migration: its file for a Flyway migration ({@code V2__drop_phone.sql}), its
         * {@code file::id::author} for a Liquibase changeset.
         */
        @JsonIgnore
        public String name() {
            if (id.contains("::") || script == null || script.isBlank()) {
                return id;
            }
            String file = script.replace('\\', '/');
            return file.substring(file.lastIndexOf('/') + 1);
        }

        /**
         * What a statement of a migration that was not rehearsed would do, as its SQL text shows: not evidence, since
         * it never ran on the branch's data.
         *
         * @param kind      the kind of finding it would likely raise, e.g. {@code table-rewrite}
         * @param statement the statement, abbreviated
         * @param message   what it would do, in a sentence
         * @param remedy    how to do it safely, or null
         */
        public record Risk(String kind, String statement, String message, String remedy) {
            public Risk {
                Objects.requireNonNull(kind, "kind");
                Objects.requireNonNull(message, "message");
            }
        }

        /** What happened to a migration on one database. */
        public enum State {
            APPLIED,
            FAILED,
            NOT_RUN
        }
    }

    /**
     * Why a migration failed, with the server's own words.
     *
     * @param database    {@code "branch"} or {@code "target"}
     * @param migration   the failing migration's id, or null when the engine failed outside a migration
     * @param description the failing migration's description, or null
     * @param statement   the failing statement, or null when unknown
     * @param line        the statement's line in its script, or null
     * @param sqlState    the SQLSTATE, or null when the failure did not come from the server
     * @param message     the server's (or the engine's) message
     * @param detail      the server's DETAIL, or null
     * @param hint        the server's HINT, or null
     */
    public record MigrationFailure(String database, String migration, String description, String statement,
                                   Integer line, String sqlState, String message, String detail, String hint) {
        /** One line for logs and exception messages. */
        public String summary() {
            StringBuilder text = new StringBuilder();
            text.append(migration == null ? "the migration tool" : "migration " + migration
                    + (description == null || description.isEmpty() ? "" : " (" + description + ")"));
            text.append(" failed on the ").append(database).append(": ").append(message);
            if (sqlState != null) {
                text.append(" [SQLSTATE ").append(sqlState).append(']');
            }
            if (detail != null) {
                text.append(" — ").append(detail);
            }
            return text.toString();
        }
    }

    /**
     * How the migrations reached the target (present in an {@link Outcome} once promotion was attempted).
     *
     * @param lockTimeout the {@code lock_timeout} each of the target's migration transactions ran with (zero: none)
     * @param statementTimeout the {@code statement_timeout} of the promotion's sessions, or null for none
     * @param attempts how many times the migrations were applied: 1 when the first attempt went through
     * @param retries each attempt that gave way to a lock held on the target, and how long it then waited
     * @param verified true when the target's schema was found equal to the rehearsed branch's afterwards; false when it
     *                         differs ({@link Verdict#DIVERGED}) or was not compared (promotion failed)
     * @param fingerprint the {@linkplain dev.rehearsal.catalog.CatalogSnapshot.SchemaFingerprint#digest() digest} of the target's
     *                         schema after promotion, or null when it was not read
     * @param differences what differs between the target and the rehearsed branch after the same migrations, one line
     *                         each ({@code "only on the target: ..."}, {@code "only on the branch: ..."})
     */
    public record Promotion(Duration lockTimeout, Duration statementTimeout, int attempts, List<Retry> retries,
                            boolean verified, String fingerprint, List<String> differences) {
        public Promotion {
            Objects.requireNonNull(lockTimeout, "lockTimeout");
            retries = List.copyOf(retries);
            differences = List.copyOf(differences);
        }

        /**
         * An attempt that gave way: a migration could not get a lock within the lock timeout, its transaction was
         * rolled back, and promotion waited before trying again.
         *
         * @param attempt which attempt gave way (1 for the first)
         * @param migration the migration that waited for the lock
         * @param message the server's message
         * @param waitedMillis how long promotion waited before the next attempt
         */
        public record Retry(int attempt, String migration, String message, long waitedMillis) {
        }
    }

    /**
     * The branch a run used.
     *
     * @param provider       the provider's name, e.g. {@code template}
     * @param name           the branch database's name
     * @param url            its JDBC URL, without credentials
     * @param copyMethod     how it was copied
     * @param creationMillis how long creating it took
     * @param kept           true when it was kept for debugging rather than dropped
     * @param expiresAt      when it may be reaped (meaningful when kept)
     */
    public record BranchSummary(String provider, String name, String url, String copyMethod, long creationMillis,
                                boolean kept, Instant expiresAt) {
    }

    /**
     * Where the time of a run went, in milliseconds; 0 for phases that did not run.
     *
     * @param planMillis    reading what is pending on the target
     * @param branchMillis  creating the branch
     * @param catalogMillis reading the branch's catalog and data facts, before and after the migrations
     * @param migrateMillis applying the migrations to the branch
     * @param checkMillis   running the checks
     * @param discardMillis dropping the branch
     * @param promoteMillis applying the migrations to the target
     * @param totalMillis   the whole run
     */
    public record Timings(long planMillis, long branchMillis, long catalogMillis, long migrateMillis,
                          long checkMillis, long discardMillis, long promoteMillis, long totalMillis) {
    }
}
