package dev.rehearsal.internal.pipeline;

import dev.rehearsal.internal.Sql;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target as the engine sees it during promotion: every transaction gets {@code SET LOCAL lock_timeout}, so a
 * migration that cannot get its locks promptly fails (and rolls back) instead of queueing — and making every query
 * of the application queue behind it. Statements in auto-commit mode ({@code CREATE INDEX CONCURRENTLY}) get no lock
 * timeout: they block no reads or writes while they wait, and cancelling one part-way would leave an invalid index.
 * An optional {@code statement_timeout} applies to the whole session.
 *
 * <p>A transaction starts when the engine turns auto-commit off, and again after each commit or rollback while it
 * stays off; the setting is made right then, as the transaction's first statement.
 *
 * <p>Each session also checks every second whether its client is still there ({@code client_connection_check_interval},
 * PostgreSQL 14 and later, on servers whose platform supports it): when the runner is killed, the server ends the
 * statement it was running at once — a waiting or building {@code CREATE INDEX CONCURRENTLY} included, which leaves
 * an INVALID index for the next run to drop — instead of finishing it unattended, still holding its locks.
 */
final class GuardedDataSource extends ForwardingDataSource {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedDataSource.class);
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
        if (connection.getAutoCommit() && connection.getMetaData().getDatabaseMajorVersion() >= 14) {
            try {
                execute(connection, "SET client_connection_check_interval = '1s'");
            } catch (SQLException e) {
                LOG.debug("The server cannot check for a lost client ({}): a killed runner's statement runs on "
                        + "until it ends", Sql.describe(e));
            }
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
