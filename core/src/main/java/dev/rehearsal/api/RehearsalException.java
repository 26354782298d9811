package dev.rehearsal.api;

import java.util.Objects;

/**
 * The root of every exception Rehearsal throws. Unchecked; {@link #code()} tells what kind of failure it is and maps
 * to a process exit code. Messages never contain passwords or credentials.
 */
public class RehearsalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public RehearsalException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public RehearsalException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
