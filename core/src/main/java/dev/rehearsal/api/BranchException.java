package dev.rehearsal.api;

/** A branch could not be created, reached or discarded. The target was not changed. */
public class BranchException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    public BranchException(String message) {
        super(ErrorCode.BRANCH, message);
    }

    public BranchException(String message, Throwable cause) {
        super(ErrorCode.BRANCH, message, cause);
    }
}
