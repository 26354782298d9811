package dev.rehearsal.outcome;

/**
 * One pending migration and what happened to it on the branch and on the target.
 *
 * @param id          the engine's id (a Flyway version, a Liquibase {@code file::id::author})
 * @param description the engine's description
 * @param script      the script or class
 * @param branch      what happened on the branch
 * @param target      what happened on the target
 */
public record MigrationStatus(String id, String description, String script, State branch, State target) {
    /** What happened to a migration on one database. */
    public enum State {
        APPLIED,
        FAILED,
        NOT_RUN
    }
}
