package dev.rehearsal.trace;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationObserver;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Wraps a DataSource so that every statement executed through its connections is recorded as a
 * {@link StatementTrace}, whichever tool sends it (SQL scripts, Java migrations, the tool's bookkeeping).
 *
 * <p>Recording happens on the client side only: the wrapper sends no statement of its own, so the migration's
 * transactions, locks and outcome are exactly what they would be without it. It is also the
 * {@link MigrationObserver} that attributes statements to the migration running at the time.
 */
public final class TracingDataSource implements DataSource, MigrationObserver {
    private static final Set<String> EXECUTE = Set.of("execute", "executeUpdate", "executeLargeUpdate",
            "executeQuery", "executeBatch", "executeLargeBatch");

    private final DataSource delegate;
    private final List<StatementTrace> statements = new ArrayList<>();
    private volatile String currentMigration;

    public TracingDataSource(DataSource delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Everything recorded so far, in execution order. */
    public synchronized List<StatementTrace> statements() {
        return List.copyOf(statements);
    }

    @Override
    public void starting(Migration migration) {
        currentMigration = migration.id();
    }

    @Override
    public void finished(Migration migration, boolean succeeded) {
        currentMigration = null;
    }

    private synchronized void record(String sql, Instant startedAt, long nanos, Long rows, boolean inTransaction,
                                     SQLException failure) {
        statements.add(new StatementTrace(statements.size() + 1, currentMigration, sql, startedAt, nanos / 1000,
                rows, inTransaction, failure == null ? null : failure.getSQLState(),
                failure == null ? null : failure.getMessage()));
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(TracingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ConnectionHandler(connection));
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection connection;

        ConnectionHandler(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result = invokeOn(connection, method, args);
            switch (method.getName()) {
                case "createStatement":
                    return statement(Statement.class, (Statement) result, (Connection) proxy, null);
                case "prepareStatement":
                    return statement(PreparedStatement.class, (Statement) result, (Connection) proxy,
                            (String) args[0]);
                case "prepareCall":
                    return statement(CallableStatement.class, (Statement) result, (Connection) proxy,
                            (String) args[0]);
                default:
                    return result;
            }
        }

        private Object statement(Class<?> type, Statement statement, Connection proxy, String preparedSql) {
            return Proxy.newProxyInstance(TracingDataSource.class.getClassLoader(), new Class<?>[] {type},
                    new StatementHandler(statement, connection, proxy, preparedSql));
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final Statement statement;
        private final Connection connection;
        private final Connection connectionProxy;
        private final String preparedSql;
        private final List<String> batch = new ArrayList<>();

        StatementHandler(Statement statement, Connection connection, Connection connectionProxy, String preparedSql) {
            this.statement = statement;
            this.connection = connection;
            this.connectionProxy = connectionProxy;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("getConnection")) {
                return connectionProxy;
            }
            if (name.equals("addBatch") && args != null && args.length == 1 && args[0] instanceof String sql) {
                batch.add(sql);
            } else if (name.equals("clearBatch")) {
                batch.clear();
            }
            if (!EXECUTE.contains(name)) {
                return invokeOn(statement, method, args);
            }
            String sql = sqlOf(name, args);
            boolean inTransaction = !connection.getAutoCommit();
            Instant startedAt = Instant.now();
            long start = System.nanoTime();
            Object result;
            try {
                result = invokeOn(statement, method, args);
            } catch (SQLException e) {
                record(sql, startedAt, System.nanoTime() - start, null, inTransaction, e);
                throw e;
            }
            long nanos = System.nanoTime() - start;
            record(sql, startedAt, nanos, rowsOf(name, result), inTransaction, null);
            return result;
        }

        private String sqlOf(String method, Object[] args) {
            if (args != null && args.length > 0 && args[0] instanceof String sql) {
                return sql;
            }
            if (method.startsWith("executeBatch") || method.startsWith("executeLargeBatch")) {
                List<String> sqls = batch.isEmpty() && preparedSql != null ? List.of(preparedSql) : List.copyOf(batch);
                batch.clear();
                return String.join(";\n", sqls);
            }
            return preparedSql;
        }

        private Long rowsOf(String method, Object result) throws SQLException {
            if (result instanceof Integer count) {
                return count.longValue();
            }
            if (result instanceof Long count) {
                return count;
            }
            if (result instanceof int[] counts) {
                long sum = 0;
                for (int count : counts) {
                    sum += Math.max(count, 0);
                }
                return sum;
            }
            if (result instanceof long[] counts) {
                long sum = 0;
                for (long count : counts) {
                    sum += Math.max(count, 0);
                }
                return sum;
            }
            if (method.equals("execute") && Boolean.FALSE.equals(result)) {
                // Client-side state of the driver: reading it sends nothing to the server.
                int count = statement.getUpdateCount();
                return count < 0 ? null : (long) count;
            }
            return null;
        }
    }

    private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || delegate.isWrapperFor(type);
    }
}
