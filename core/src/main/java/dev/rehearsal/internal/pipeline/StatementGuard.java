package dev.rehearsal.internal.pipeline;

import java.sql.SQLException;

/**
 * Looks at each statement before a {@link TracingDataSource} sends it, and may refuse it: a refused statement never
 * reaches the database; the caller gets the exception, and the trace records the statement as failed with it.
 */
@FunctionalInterface
interface StatementGuard {
    /** Lets every statement through. */
    StatementGuard NONE = sql -> { };

    /**
     * @param sql the statement(s) about to be sent (a batch as its statements joined by {@code ;\n})
     * @throws SQLException to refuse them
     */
    void check(String sql) throws SQLException;
}
