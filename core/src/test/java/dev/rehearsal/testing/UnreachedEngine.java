package dev.rehearsal.testing;

import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import javax.sql.DataSource;

/** An engine for tests whose run must stop before any database is read: it fails the test if it is asked. */
public final class UnreachedEngine implements MigrationEngine {
    @Override
    public String name() {
        return "an engine the run must not reach";
    }

    @Override
    public MigrationPlan plan(DataSource database) {
        throw new AssertionError("the run went as far as planning the migrations");
    }

    @Override
    public ApplyResult apply(DataSource database, MigrationPlan plan, MigrationObserver observer) {
        throw new AssertionError("the run went as far as applying the migrations");
    }
}
