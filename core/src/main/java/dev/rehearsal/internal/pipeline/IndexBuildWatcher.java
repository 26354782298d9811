package dev.rehearsal.internal.pipeline;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.internal.Sql;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the branch while the engine migrates it, and records the indexes each migration built and committed by
 * the time it ended: those of a migration that runs outside a transaction (a transactional one has not committed yet
 * when it ends, so it shows none). Told by the engine like any observer, it passes each event on to the next one.
 *
 * <p>It compares the branch's indexes before and after each migration on a session of its own, rather than reading
 * the statements: an index built by {@code CREATE INDEX CONCURRENTLY ON t (c)} has a name that no statement gives.
 * Two small catalog queries per migration. When a query fails, what was built is unknown, which the promotion treats
 * as "cannot be undone" rather than as "nothing". Not API.
 */
final class IndexBuildWatcher implements MigrationObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexBuildWatcher.class);
    private static final String INDEXES_NOW = "SELECT coalesce(array_agg(indexrelid::bigint), '{}') FROM pg_index";
    private static final String BUILT_SINCE = "SELECT n.nspname, t.relname, c.relname, pg_get_indexdef(c.oid) "
            + "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT (i.indexrelid::bigint = ANY (?)) "
            + "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY c.oid";

    private final DataSource branch;
    private final MigrationObserver next;
    private final Map<String, List<BuiltIndex>> built = new LinkedHashMap<>();
    private Connection connection;
    private Array before;
    private boolean blind;

    /**
     * @param branch the branch, untraced
     * @param next   told of every event after this watcher
     */
    public IndexBuildWatcher(DataSource branch, MigrationObserver next) {
        this.branch = branch;
        this.next = next;
    }

    @Override
    public void starting(Migration migration) {
        try {
            try (Statement statement = connection().createStatement();
                 ResultSet rows = statement.executeQuery(INDEXES_NOW)) {
                rows.next();
                before = rows.getArray(1);
            }
        } catch (SQLException e) {
            blindAfter(e);
        }
        next.starting(migration);
    }

    @Override
    public void finished(Migration migration, boolean succeeded) {
        next.finished(migration, succeeded);
        if (before == null || blind) {
            return;
        }
        try (PreparedStatement statement = connection().prepareStatement(BUILT_SINCE)) {
            statement.setArray(1, before);
            List<BuiltIndex> indexes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    indexes.add(new BuiltIndex(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4)));
                }
            }
            if (!indexes.isEmpty()) {
                built.put(migration.id(), List.copyOf(indexes));
            }
        } catch (SQLException e) {
            blindAfter(e);
        } finally {
            before = null;
        }
    }

    /**
     * The indexes each migration committed outside a transaction, by migration id; null when they could not all be
     * observed.
     */
    public Map<String, List<BuiltIndex>> built() {
        return blind ? null : Map.copyOf(built);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = branch.getConnection();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void blindAfter(SQLException e) {
        LOG.warn("Cannot watch the indexes the migrations build on the branch ({}): a promotion killed inside a "
                + "migration that runs outside a transaction will need a person", Sql.describe(e));
        blind = true;
    }

    /** Closes the watcher's session. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Cannot close the index watcher's session", e);
            }
        }
    }
}
