package dev.rehearsal.branch.neon;

import dev.rehearsal.api.BranchException;

/**
 * The Neon API refused a request, or did not finish an operation. {@link #status()} is the HTTP status (0 when the
 * API could not be reached or an operation failed) and {@link #neonCode()} Neon's own error code, when it gave one.
 * The message never contains the API key or a password.
 */
class NeonApiException extends BranchException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String neonCode;

    public NeonApiException(String message, int status, String neonCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.neonCode = neonCode;
    }

    /** The HTTP status of the refusal, or 0 when there was no HTTP answer to report. */
    public int status() {
        return status;
    }

    /** Neon's error code (e.g. {@code "BRANCHES_LIMIT_EXCEEDED"}), or null. */
    public String neonCode() {
        return neonCode;
    }
}
