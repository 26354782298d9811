package dev.rehearsal.outcome;

import dev.rehearsal.api.ErrorCode;

/** How a run ended. */
public enum Verdict {
    /** The migrations passed on the branch and were applied to the target. */
    PROMOTED(true, null),
    /** The migrations passed on the branch; promotion was not asked for ({@link dev.rehearsal.Rehearsal#rehearse()}). */
    PASSED(true, null),
    /** Nothing was pending: no branch was made, nothing changed. */
    NOTHING_PENDING(true, null),
    /** The migrations ran on the branch but checks found blocking problems; nothing reached the target. */
    BLOCKED(false, ErrorCode.BLOCKED),
    /** A migration failed on the branch (usually on the target's real data); nothing reached the target. */
    FAILED_ON_BRANCH(false, ErrorCode.FAILED_ON_BRANCH),
    /**
     * The target changed between the moment the branch was made and the promotion (its schema, its migration
     * history or what is pending on it): what was rehearsed is not what would be applied, so nothing was promoted.
     * Run again to rehearse the target as it is now.
     */
    TARGET_CHANGED(false, ErrorCode.TARGET_CHANGED),
    /** The rehearsal passed but applying to the target failed; see the outcome for what was applied. */
    PROMOTION_FAILED(false, ErrorCode.PROMOTION_FAILED),
    /**
     * The migrations were applied to the target, but its schema afterwards differs from the branch's after the same
     * migrations: the target is not what was tested. The differences are in the outcome; look before going on.
     */
    DIVERGED(false, ErrorCode.DIVERGED);

    private final boolean success;
    private final ErrorCode errorCode;

    Verdict(boolean success, ErrorCode errorCode) {
        this.success = success;
        this.errorCode = errorCode;
    }

    /** True for verdicts after which the target is where it should be. */
    public boolean isSuccess() {
        return success;
    }

    /** The error code of an unsuccessful verdict, null for a successful one. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The process exit code: 0 for success, otherwise the error code's. */
    public int exitCode() {
        return errorCode == null ? 0 : errorCode.exitCode();
    }
}
