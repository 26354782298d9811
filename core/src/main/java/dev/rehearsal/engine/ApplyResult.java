package dev.rehearsal.engine;

import java.util.List;

/**
 * What an engine did when it applied a plan.
 *
 * @param applied the migrations that were applied and committed, in order
 * @param failure why it stopped, or null when every migration of the plan was applied
 */
public record ApplyResult(List<Migration> applied, EngineFailure failure) {
    public ApplyResult {
        applied = List.copyOf(applied);
    }

    public static ApplyResult success(List<Migration> applied) {
        return new ApplyResult(applied, null);
    }

    public static ApplyResult failure(List<Migration> applied, EngineFailure failure) {
        return new ApplyResult(applied, failure);
    }

    public boolean succeeded() {
        return failure == null;
    }

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
}
