package dev.rehearsal.api;

/** The target or its server could not be reached or queried. The message names the database, never a password. */
public class DatabaseException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(ErrorCode.DATABASE, message, cause);
    }
}
