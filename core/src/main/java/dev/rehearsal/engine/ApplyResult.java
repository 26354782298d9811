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
}
