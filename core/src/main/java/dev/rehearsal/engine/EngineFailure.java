package dev.rehearsal.engine;

/**
 * Why an engine stopped applying a plan.
 *
 * @param migration the migration that failed, or null when the engine failed outside any migration (validation,
 *                  configuration, its history table)
 * @param message   the engine's message
 * @param statement the statement the engine reports as failing, or null when it does not know
 * @param line      the line of that statement in its script, or null
 * @param cause     the engine's exception; its chain usually holds the server's {@link java.sql.SQLException}
 */
public record EngineFailure(Migration migration, String message, String statement, Integer line, Throwable cause) {
}
