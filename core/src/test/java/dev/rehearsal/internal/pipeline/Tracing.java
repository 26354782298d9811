package dev.rehearsal.internal.pipeline;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.trace.StatementTrace;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** For tests of other packages: traces what a piece of work does on a database, as a run traces a migration. */
public final class Tracing {
    /** Work on a traced connection. */
    @FunctionalInterface
    public interface Work {
        void on(Connection connection) throws SQLException;
    }

    private Tracing() {
    }

    /**
     * The statements {@code work} ran, traced as {@code migration}'s.
     *
     * @param succeeded whether the migration is to be recorded as having succeeded (a test of a failing statement
     *                  asserts the failure inside {@code work} and passes false)
     */
    public static List<StatementTrace> trace(DataSource database, Migration migration, boolean succeeded, Work work)
            throws SQLException {
        KnownRelations known = KnownRelations.read(database);
        try (TracingDataSource traced = new TracingDataSource(database, known)) {
            traced.starting(migration);
            try (Connection connection = traced.getConnection()) {
                work.on(connection);
            } finally {
                traced.finished(migration, succeeded);
            }
            return traced.statements();
        }
    }
}
