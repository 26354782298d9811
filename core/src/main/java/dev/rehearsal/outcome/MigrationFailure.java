package dev.rehearsal.outcome;

/**
 * Why a migration failed, with the server's own words.
 *
 * @param database    {@code "branch"} or {@code "target"}
 * @param migration   the failing migration's id, or null when the engine failed outside a migration
 * @param description the failing migration's description, or null
 * @param statement   the failing statement, or null when unknown
 * @param line        the statement's line in its script, or null
 * @param sqlState    the SQLSTATE, or null when the failure did not come from the server
 * @param message     the server's (or the engine's) message
 * @param detail      the server's DETAIL, or null
 * @param hint        the server's HINT, or null
 */
public record MigrationFailure(String database, String migration, String description, String statement,
                               Integer line, String sqlState, String message, String detail, String hint) {
    /** One line for logs and exception messages. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append(migration == null ? "the migration tool" : "migration " + migration
                + (description == null || description.isEmpty() ? "" : " (" + description + ")"));
        text.append(" failed on the ").append(database).append(": ").append(message);
        if (sqlState != null) {
            text.append(" [SQLSTATE ").append(sqlState).append(']');
        }
        if (detail != null) {
            text.append(" — ").append(detail);
        }
        return text.toString();
    }
}
