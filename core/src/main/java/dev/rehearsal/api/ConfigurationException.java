package dev.rehearsal.api;

/** The configuration is invalid or incomplete. Thrown before anything touches a database. */
public class ConfigurationException extends RehearsalException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(ErrorCode.CONFIGURATION, message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(ErrorCode.CONFIGURATION, message, cause);
    }
}
