package dev.rehearsal.api;

/**
 * What went wrong, in a form a program can act on. Each code has a stable process exit code, which the CLI and
 * build plugins use.
 */
public enum ErrorCode {
    /** Checks found a blocking problem; nothing reached the target. */
    BLOCKED(1),
    /** A migration failed on the branch (usually because of the target's real data); nothing reached the target. */
    FAILED_ON_BRANCH(2),
    /** The rehearsal passed but applying the migrations to the target failed. */
    PROMOTION_FAILED(3),
    /** A branch could not be created or discarded (for example, the target is in use). */
    BRANCH(4),
    /** The target (or its server) could not be reached or queried. */
    DATABASE(5),
    /**
     * Another runner kept the target longer than the configured wait, or the run lost its turn (the server ended the
     * session that held it); nothing was promoted.
     */
    LOCKED(6),
    /** The target changed between the rehearsal and the promotion; nothing was promoted. */
    TARGET_CHANGED(7),
    /** The migrations reached the target, but the target's schema differs from the rehearsed branch's. */
    DIVERGED(8),
    /** The configuration is invalid; nothing was attempted. */
    CONFIGURATION(64);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code for this error. */
    public int exitCode() {
        return exitCode;
    }
}
