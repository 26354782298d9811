package dev.rehearsal.internal.pipeline;

import static dev.rehearsal.internal.pipeline.ForwardingDataSource.invokeOn;

import dev.rehearsal.internal.pipeline.TracingDataSource.Entry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One statement of a {@link TracedConnection}, as a proxy's handler: each time it executes, it records the SQL (a
 * batch as its statements, which the driver does not give back), the time taken, the rows and any error with the
 * {@link TracingDataSource}, lets the data source's {@link StatementGuard} refuse it first, and leaves the evidence
 * to its connection, which alone can read it. Other calls pass through.
 */
final class TracedStatement implements InvocationHandler {
    private static final Set<String> EXECUTE = Set.of("execute", "executeUpdate", "executeLargeUpdate",
            "executeQuery", "executeBatch", "executeLargeBatch");

    private final TracingDataSource tracing;
    private final TracedConnection owner;
    private final Statement statement;
    /** What {@code getConnection()} returns: the traced connection, never the one underneath. */
    private final Connection connectionProxy;
    private final String preparedSql;
    private final List<String> batch = new ArrayList<>();

    TracedStatement(TracingDataSource tracing, TracedConnection owner, Statement statement,
                    Connection connectionProxy, String preparedSql) {
        this.tracing = tracing;
        this.owner = owner;
        this.statement = statement;
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
        Entry entry = tracing.begin(sqlOf(name, args), !owner.autoCommit());
        LockSampler.Run sampling = null;
        Object result;
        try {
            long guardStart = System.nanoTime();
            tracing.guard().check(entry.sql);
            owner.fingerprintDrops(entry);
            owner.notTheMigrations(entry, System.nanoTime() - guardStart);
            sampling = owner.startSampling(entry);
            result = invokeOn(statement, method, args);
        } catch (SQLException e) {
            synchronized (entry) {
                entry.durationMicros = (System.nanoTime() - entry.startNanos) / 1000;
                entry.sqlState = e.getSQLState();
                entry.error = e.getMessage();
            }
            owner.after(entry, sampling, true);
            throw e;
        }
        Long rows = rowsOf(name, result);
        synchronized (entry) {
            entry.durationMicros = (System.nanoTime() - entry.startNanos) / 1000;
            entry.rows = rows;
        }
        owner.after(entry, sampling, false);
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
