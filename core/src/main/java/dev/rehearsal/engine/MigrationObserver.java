package dev.rehearsal.engine;

/**
 * Told by an engine when each migration starts and ends, on the thread that runs it, so that every statement in
 * between is attributed to that migration.
 */
public interface MigrationObserver {
    /** Observes nothing. */
    MigrationObserver NONE = new MigrationObserver() {
        @Override
        public void starting(Migration migration) {
        }

        @Override
        public void finished(Migration migration, boolean succeeded) {
        }
    };

    void starting(Migration migration);

    void finished(Migration migration, boolean succeeded);
}
