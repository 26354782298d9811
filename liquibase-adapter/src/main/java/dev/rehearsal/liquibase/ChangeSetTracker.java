package dev.rehearsal.liquibase;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;

/**
 * A Liquibase listener that tells the observer which changeset runs, records which ones were applied, and refuses to
 * let a changeset run that is not in the plan. It sends no SQL, so it is safe inside Liquibase's transactions.
 *
 * <p>Liquibase calls {@code willRun} before a changeset's preconditions and statements and {@code ran} after its
 * DATABASECHANGELOG row is written (same transaction), or {@code runFailed}. A changeset skipped by a precondition
 * ({@code onFail="CONTINUE"}) gets neither: it ends when the next one starts, or with the run.
 */
final class ChangeSetTracker extends AbstractChangeExecListener {
    private final Map<String, Migration> planned;
    private final MigrationObserver observer;
    private final List<Migration> applied = new ArrayList<>();
    private final List<Migration> started = new ArrayList<>();
    private Migration current;
    private Migration failed;
    private String notRehearsed;

    ChangeSetTracker(MigrationPlan plan, MigrationObserver observer) {
        this.planned = plan.migrations().stream()
                .collect(Collectors.toMap(Migration::id, Function.identity(), (a, b) -> a));
        this.observer = observer;
    }

    @Override
    public void willRun(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database,
                        ChangeSet.RunStatus runStatus) {
        finishSkipped();
        String id = LiquibaseEngine.idOf(changeSet);
        Migration migration = planned.get(id);
        if (migration == null || started.contains(migration)) {
            // Thrown before the changeset starts: Liquibase stops there, releases its lock, and what ran stays.
            notRehearsed = id;
            throw new NotRehearsedException(id);
        }
        started.add(migration);
        current = migration;
        observer.starting(migration);
    }

    @Override
    public void ran(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database,
                    ChangeSet.ExecType execType) {
        if (current == null) {
            return;
        }
        // FAILED is a changeset with failOnError="false" that failed: Liquibase goes on, and records nothing.
        boolean recorded = execType != ChangeSet.ExecType.FAILED && execType != ChangeSet.ExecType.SKIPPED;
        if (recorded) {
            applied.add(current);
        }
        observer.finished(current, recorded);
        current = null;
    }

    @Override
    public void runFailed(ChangeSet changeSet, DatabaseChangeLog databaseChangeLog, Database database,
                          Exception exception) {
        if (current != null) {
            failed = current;
            observer.finished(current, false);
            current = null;
        }
    }

    /** Ends a changeset that its preconditions skipped: Liquibase reports neither success nor failure for it. */
    void finishSkipped() {
        if (current != null) {
            observer.finished(current, false);
            current = null;
        }
    }

    /** The changeset running when Liquibase stopped, or null. */
    Migration current() {
        return current;
    }

    /** The changeset Liquibase reported as failed, or null. */
    Migration failed() {
        return failed;
    }

    /** The id of a changeset that was about to run but was not in the plan, or null. */
    String notRehearsed() {
        return notRehearsed;
    }

    /** True once every changeset of the plan has started (and so ended: applied, skipped or failed). */
    boolean startedWholePlan() {
        return started.size() == planned.size();
    }

    List<Migration> applied() {
        return List.copyOf(applied);
    }

    /** Stops Liquibase before a changeset that was not rehearsed. */
    static final class NotRehearsedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotRehearsedException(String id) {
            super("changeset " + id + " is pending but was not in the rehearsed plan; Liquibase was stopped before it");
        }
    }
}
