package dev.rehearsal.outcome;

import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import java.util.Objects;

/**
 * Thrown by {@link Outcome#orThrow()} when a run did not succeed: the migrations were blocked by checks, failed on
 * the branch, or failed on the target. {@link #outcome()} carries the whole evidence; {@link #code()} tells which.
 */
public class RehearsalFailedException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    private final transient Outcome outcome;

    public RehearsalFailedException(ErrorCode code, String message, Outcome outcome) {
        super(code, message);
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    public Outcome outcome() {
        return outcome;
    }
}
