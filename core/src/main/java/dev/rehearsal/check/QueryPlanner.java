package dev.rehearsal.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.check.RunningQueries.Plan;
import dev.rehearsal.check.RunningQueries.Query;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.QueryExecutor;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * Plans queries on one connection, never running them: {@code EXPLAIN} without {@code ANALYZE} of each query's
 * generic plan — the plan for any values of its parameters, as a prepared statement the application reuses gets.
 * PostgreSQL 16 and later plan a query with parameter symbols directly ({@code EXPLAIN (GENERIC_PLAN)}, sent by the
 * simple query protocol: by the extended one the server would count the symbols as parameters of the EXPLAIN itself,
 * and want values for them); before 16, or where the connection is not pgjdbc's, the
 * query is prepared ({@code PREPARE}, which parses it and infers its parameters' types) and its generic plan explained
 * ({@code plan_cache_mode = force_generic_plan}, {@code EXPLAIN EXECUTE} with NULL for each parameter, which are
 * not substituted into a generic plan), then deallocated.
 *
 * <p>The session bounds each plan ({@code statement_timeout}) and, where the server lets it, keeps its own
 * statements out of {@code pg_stat_statements}.
 */
final class QueryPlanner implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREPARED = "rehearsal_running_query";
    /** SQLSTATE classes of errors about the session or the server, not the query: connection, resources, operator. */
    private static final Set<String> OPERATIONAL = Set.of("08", "53", "57", "58", "XX", "40", "55", "25");

    private final Connection connection;
    /**
     * The protocol the connection used before, given back on close; null when it was not changed, because queries are
     * planned through {@code PREPARE} (before PostgreSQL 16, or on a connection that is not pgjdbc's).
     */
    private final PreferQueryMode protocol;
    private String searchPath;

    private QueryPlanner(Connection connection, PreferQueryMode protocol) {
        this.connection = connection;
        this.protocol = protocol;
    }

    /** A planner on a connection of its own to {@code database}. */
    static QueryPlanner open(DataSource database) throws SQLException {
        Connection connection = database.getConnection();
        try {
            connection.setAutoCommit(true);
            QueryExecutor executor = connection.isWrapperFor(BaseConnection.class)
                    ? connection.unwrap(BaseConnection.class).getQueryExecutor() : null;
            boolean genericPlan = executor != null && connection.getMetaData().getDatabaseMajorVersion() >= 16;
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET statement_timeout = '10s'");
                statement.execute("SET lock_timeout = '5s'");
                if (!genericPlan) {
                    statement.execute("SET plan_cache_mode = force_generic_plan");
                }
            }
            try (Statement statement = connection.createStatement()) {
                // only a superuser may: otherwise the EXPLAINs count in the branch database's statistics
                statement.execute("SET pg_stat_statements.track = 'none'");
            } catch (SQLException notAllowed) {
                // harmless: the branch's statistics are not the target's
            }
            PreferQueryMode protocol = null;
            if (genericPlan) {
                protocol = executor.getPreferQueryMode();
                executor.setPreferQueryMode(PreferQueryMode.SIMPLE);
            }
            return new QueryPlanner(connection, protocol);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * What the planner makes of {@code query} with its search path: a plan, or the error that kept it from planning
     * (then {@link Result#operational()} says whether the error is about the session rather than the query).
     *
     * @throws SQLException when the session itself fails (the connection broke)
     */
    Result plan(Query query) throws SQLException {
        useSearchPath(query.searchPath());
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            if (protocol != null) {
                return explain(statement, "EXPLAIN (VERBOSE, FORMAT JSON, GENERIC_PLAN) " + query.sql());
            }
            statement.execute("PREPARE " + PREPARED + " AS " + query.sql());
            try {
                return explain(statement, "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE " + PREPARED + nullArguments());
            } finally {
                statement.execute("DEALLOCATE " + PREPARED);
            }
        } catch (SQLException e) {
            if (connection.isClosed() || !connection.isValid(5)) {
                throw e;
            }
            return new Result(null, e.getSQLState(), e.getMessage());
        }
    }

    private static Result explain(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return new Result(Plan.of(JSON.readTree(rows.getString(1))), null, null);
        } catch (IOException e) {
            throw new SQLException("EXPLAIN printed something that is not JSON: " + e.getMessage(), e);
        }
    }

    /** {@code (NULL, NULL, ...)}, one for each parameter of the prepared query; empty for none. */
    private String nullArguments() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = ?")) {
            statement.setString(1, PREPARED);
            try (ResultSet rows = statement.executeQuery()) {
                int parameters = rows.next() ? rows.getInt(1) : 0;
                return parameters == 0 ? "" : "(" + String.join(", ", Collections.nCopies(parameters, "NULL")) + ")";
            }
        }
    }

    private void useSearchPath(String path) throws SQLException {
        if (Objects.equals(path, searchPath)) {
            return;
        }
        if (path == null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("RESET search_path");
            }
        } else {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT set_config('search_path', ?, false)")) {
                statement.setString(1, path);
                statement.execute();
            }
        }
        searchPath = path;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (protocol != null && !connection.isClosed()) {
                connection.unwrap(BaseConnection.class).getQueryExecutor().setPreferQueryMode(protocol);
            }
        } finally {
            connection.close();
        }
    }

    /**
     * A query's plan, or why it has none.
     *
     * @param plan     the plan, or null when the query did not plan
     * @param sqlState the error's SQLSTATE when it did not
     * @param error    the server's message when it did not
     */
    record Result(Plan plan, String sqlState, String error) {
        boolean planned() {
            return plan != null;
        }

        /** True when the error is about the session or the server (a timeout, a lack of memory), not the query. */
        boolean operational() {
            return sqlState != null && sqlState.length() == 5 && OPERATIONAL.contains(sqlState.substring(0, 2));
        }
    }
}
