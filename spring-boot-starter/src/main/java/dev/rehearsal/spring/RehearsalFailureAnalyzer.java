package dev.rehearsal.spring;

import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.RehearsalFailedException;
import dev.rehearsal.report.Reports;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Shows why Rehearsal stopped start-up under "APPLICATION FAILED TO START": the outcome's one-screen summary (the
 * migrations, the failure in the server's words, the findings and how to do it safely) and what to do, instead of
 * the stack trace of the bean that was migrating.
 */
class RehearsalFailureAnalyzer extends AbstractFailureAnalyzer<RehearsalException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RehearsalException cause) {
        if (cause instanceof RehearsalFailedException failed) {
            Outcome outcome = failed.outcome();
            return new FailureAnalysis(Reports.summary(outcome), action(outcome), cause);
        }
        return new FailureAnalysis("Rehearsal could not rehearse the migrations: " + cause.getMessage(),
                action(cause.code()), cause);
    }

    private static String action(Outcome outcome) {
        return switch (outcome.verdict()) {
            case BLOCKED -> "Nothing was applied to the database. Make the migration safe (each finding above says "
                    + "how), or, if the change is intended, acknowledge it in the migration with a comment "
                    + "'-- rehearsal:allow <kind>: <reason>', or change the kind's severity, e.g. "
                    + "rehearsal.severities.<kind>=warning.";
            case FAILED_ON_BRANCH -> "Nothing was applied to the database: the migration fails on its data. Fix the "
                    + "migration and start again; rehearsal.keep-failed-branch=8h keeps the branch to look into it.";
            case TARGET_CHANGED -> "Nothing was applied: the database changed while it was rehearsed (see above). "
                    + "Start the application again.";
            case PROMOTION_FAILED -> "The migrations passed on the branch but one failed on the database: those "
                    + "marked applied are applied, the failing one was rolled back. If it waited for a lock, start "
                    + "again when the database is quieter, or raise rehearsal.lock-timeout or rehearsal.lock-retries.";
            case DIVERGED -> "The database was migrated, but its schema differs from the rehearsed branch's (see "
                    + "above): look into the differences before the application uses it.";
            default -> "See the outcome above.";
        };
    }

    private static String action(ErrorCode code) {
        return switch (code) {
            case CONFIGURATION -> "Nothing was done. Change the setting the message names, or start without "
                    + "Rehearsal: rehearsal.enabled=false.";
            case BRANCH -> "Nothing was applied to the database. Fix what the message names (the role may need "
                    + "CREATEDB; a database in use is branched by rehearsal.branch.provider=auto, with a branch server or "
                    + "else a snapshot copy).";
            case DATABASE -> "Nothing was done. Check that the database is up and that spring.datasource.url, "
                    + "username and password (or spring.flyway.*, spring.liquibase.*) are right.";
            case LOCKED -> "Nothing was applied: another instance was migrating the same database. Start again; "
                    + "rehearsal.wait-for-other-runners sets how long an instance waits for the others.";
            default -> "See the message above.";
        };
    }
}
