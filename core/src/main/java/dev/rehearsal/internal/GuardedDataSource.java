package dev.rehearsal.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The target as the engine sees it during promotion: every transaction gets {@code SET LOCAL lock_timeout}, so a
 * migration that cannot get its locks promptly fails (and rolls back) instead of queueing — and making every query
 * of the application queue behind it. Statements in auto-commit mode ({@code CREATE INDEX CONCURRENTLY}) get no lock
 * timeout: they block no reads or writes while they wait, and cancelling one part-way would leave an invalid index.
 * An optional {@code statement_timeout} applies to the whole session.
 *
 * <p>A transaction starts when the engine turns auto-commit off, and again after each commit or rollback while it
 * stays off; the setting is made right then, as the transaction's first statement.
 */
public final class GuardedDataSource extends ForwardingDataSource {
    private final long lockTimeoutMillis;
    private final Duration statementTimeout;

    /**
     * @param lockTimeout      for each transaction; zero for none
     * @param statementTimeout for the session, or null for none
     */
    public GuardedDataSource(DataSource delegate, Duration lockTimeout, Duration statementTimeout) {
        super(delegate);
        this.lockTimeoutMillis = lockTimeout.toMillis();
        this.statementTimeout = statementTimeout;
    }

    @Override
    protected Connection wrap(Connection connection) throws SQLException {
        if (statementTimeout != null) {
            execute(connection, "SET statement_timeout = '" + statementTimeout.toMillis() + "ms'");
        }
        if (!connection.getAutoCommit()) {
            transactionStarts(connection);
        }
        InvocationHandler handler = (proxy, method, args) -> {
            Object result = invokeOn(connection, method, args);
            String name = method.getName();
            boolean noArguments = args == null || args.length == 0;
            if ((name.equals("setAutoCommit") && Boolean.FALSE.equals(args[0]))
                    || ((name.equals("commit") || name.equals("rollback")) && noArguments
                    && !connection.getAutoCommit())) {
                transactionStarts(connection);
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(GuardedDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, handler);
    }

    private void transactionStarts(Connection connection) throws SQLException {
        if (lockTimeoutMillis > 0) {
            execute(connection, "SET LOCAL lock_timeout = '" + lockTimeoutMillis + "ms'");
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
