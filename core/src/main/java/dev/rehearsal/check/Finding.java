package dev.rehearsal.check;

import java.util.Map;
import java.util.Objects;

/**
 * Something a check found in the rehearsal's evidence.
 *
 * @param kind            a stable, kebab-case name for what was found, e.g. {@code "table-rewrite"}
 * @param severity        how much it matters
 * @param migration       the id of the migration it concerns, or null when it concerns the whole run
 * @param statement       the statement it concerns, or null
 * @param message         what was found, in a sentence
 * @param evidence        the numbers behind it (row counts, durations, lock modes, ...)
 * @param remedy          how to do it safely, or null
 * @param acknowledgement the reason given in the migration for accepting it ({@code -- rehearsal:allow kind: reason}),
 *                        or null; an acknowledged finding does not block
 */
public record Finding(String kind, Severity severity, String migration, String statement, String message,
                      Map<String, Object> evidence, String remedy, String acknowledgement) {
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    /** A finding that is not acknowledged. */
    public Finding(String kind, Severity severity, String migration, String statement, String message,
                   Map<String, Object> evidence, String remedy) {
        this(kind, severity, migration, statement, message, evidence, remedy, null);
    }

    /** A blocking finding about the whole run, without statement, evidence or remedy. */
    public static Finding blocking(String kind, String message) {
        return new Finding(kind, Severity.BLOCKING, null, null, message, Map.of(), null);
    }

    /**
     * The finding of a migration that failed: {@link FindingKinds#FAILED_ON_DATA} when the error is about the data
     * (SQLSTATE classes 22 and 23), {@link FindingKinds#MIGRATION_FAILED} otherwise; blocking, with a remedy.
     */
    public static Finding ofFailedMigration(String migration, String statement, String sqlState, String message,
                                            String detail) {
        return FailureFinding.of(migration, statement, sqlState, message, detail);
    }

    /**
     * The comment that, written in the migration, accepts this finding: {@code -- rehearsal:allow table-rewrite: <why
     * this is safe>}; null when it cannot be accepted so (a finding of no single migration, a failed migration, the
     * target having changed).
     */
    public String allowComment() {
        return migration == null || !FindingKinds.acknowledgeable(kind) ? null : allowComment(kind);
    }

    /** The comment that accepts findings of {@code kind} in a migration: {@code -- rehearsal:allow <kind>: <why this is safe>}. */
    public static String allowComment(String kind) {
        return "-- rehearsal:allow " + kind + ": <why this is safe>";
    }

    /** True when this finding stops promotion: blocking and not acknowledged. */
    public boolean isBlocking() {
        return severity == Severity.BLOCKING && acknowledgement == null;
    }

    public Finding withSeverity(Severity newSeverity) {
        return new Finding(kind, newSeverity, migration, statement, message, evidence, remedy, acknowledgement);
    }

    public Finding acknowledged(String reason) {
        return new Finding(kind, severity, migration, statement, message, evidence, remedy,
                Objects.requireNonNull(reason, "reason"));
    }

    /** How much a finding matters. Any {@link #BLOCKING} finding stops promotion. */
    public enum Severity {
        INFO,
        WARNING,
        BLOCKING
    }
}
