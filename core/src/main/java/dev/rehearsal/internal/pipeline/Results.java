package dev.rehearsal.internal.pipeline;

import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.ApplyResult.EngineFailure;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.internal.Causes;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.trace.StatementTrace;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** What an engine's apply result means for the outcome, on the branch and on the target alike. */
final class Results {
    private Results() {
    }

    /** Marks the migrations a result applied, and the one that failed, in {@code states}. */
    static void record(Map<String, State> states, ApplyResult result) {
        for (Migration applied : result.applied()) {
            states.put(applied.id(), State.APPLIED);
        }
        EngineFailure engineFailure = result.failure();
        if (engineFailure != null && engineFailure.migration() != null) {
            states.put(engineFailure.migration().id(), State.FAILED);
        }
    }

    /**
     * The failure in the server's words. The failing statement comes from the trace when there is one (that works
     * for Java migrations too), otherwise from the engine.
     */
    static MigrationFailure failureOf(String database, EngineFailure engineFailure, List<StatementTrace> trace) {
        Migration migration = engineFailure.migration();
        StatementTrace failed = null;
        for (StatementTrace statement : trace) {
            if (statement.failed() && (migration == null || migration.id().equals(statement.migration()))) {
                failed = statement;
            }
        }
        SQLException sqlException = Causes.find(engineFailure.cause(), SQLException.class);
        ServerErrorMessage server = sqlException instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String statement = failed != null ? failed.sql() : engineFailure.statement();
        String sqlState = failed != null ? failed.sqlState()
                : sqlException != null ? sqlException.getSQLState() : null;
        String message = server != null ? server.getMessage()
                : failed != null ? failed.error()
                : sqlException != null ? sqlException.getMessage() : engineFailure.message();
        return new MigrationFailure(database, migration == null ? null : migration.id(),
                migration == null ? null : migration.description(), statement, engineFailure.line(), sqlState,
                message, server == null ? null : server.getDetail(), server == null ? null : server.getHint());
    }
}
