package dev.rehearsal.flyway;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * A Flyway callback that tells the observer which migration runs, and records which ones were applied. It sends no
 * SQL, so it is safe inside Flyway's migration transactions.
 */
final class MigrationTracker implements Callback {
    private final MigrationPlan plan;
    private final MigrationObserver observer;
    private final List<Migration> applied = new ArrayList<>();
    private Migration current;

    MigrationTracker(MigrationPlan plan, MigrationObserver observer) {
        this.plan = plan;
        this.observer = observer;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
                || event == Event.AFTER_EACH_MIGRATE_ERROR;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        if (context.getMigrationInfo() == null) {
            return;
        }
        Migration migration = resolve(FlywayEngine.migration(context.getMigrationInfo()));
        switch (event) {
            case BEFORE_EACH_MIGRATE -> {
                current = migration;
                observer.starting(migration);
            }
            case AFTER_EACH_MIGRATE -> {
                applied.add(migration);
                observer.finished(migration, true);
                current = null;
            }
            case AFTER_EACH_MIGRATE_ERROR -> observer.finished(migration, false);
            default -> {
            }
        }
    }

    /** The plan's own record of the migration when it has one, so that ids and checksums match exactly. */
    private Migration resolve(Migration migration) {
        return plan.migrations().stream().filter(m -> m.id().equals(migration.id())).findFirst().orElse(migration);
    }

    Migration current() {
        return current;
    }

    List<Migration> applied() {
        return List.copyOf(applied);
    }

    @Override
    public String getCallbackName() {
        return "rehearsal-tracker";
    }
}
