package dev.rehearsal.internal.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.internal.Sql;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rehearsal's record, on the target itself, of a promotion in progress: the table {@value #TABLE}, in the schema
 * where the promoting role creates tables (the first of its {@code search_path}, where Flyway keeps its history by
 * default). A record on the database server survives a killed runner and a move to another machine; the next run,
 * whichever machine it runs on, reads it before it plans ({@link InterruptedPromotions}).
 *
 * <p>One row says "this run is applying migrations with this engine" (kept so that the next run can release a lock
 * the engine leaves held, such as Liquibase's); one row per migration that runs outside a transaction says, before it
 * starts, what it is expected to leave ({@link MigrationIntent}). A migration's row is deleted once its engine reports
 * it applied — its history row is written then; the promotion's row when the engine returns. A migration that
 * failed keeps its row, so that the next run removes what it left half built. The table is made when a promotion
 * needs it — for an engine that leaves no lock behind, only as the first migration that needs it starts — and dropped
 * again when it is empty, so a target that no run was killed on has none. Rehearse-only runs never create it.
 *
 * <p>Catalog snapshots, diffs and fingerprints leave it out (it carries the comment {@value #COMMENT}), so the
 * freshness gate and the verification after promotion do not see it. Not API.
 */
final class PromotionJournal implements AutoCloseable {
    /** The table's name. */
    static final String TABLE = Sql.JOURNAL_TABLE;
    /** The table's comment, which marks it as Rehearsal's. */
    static final String COMMENT = Sql.JOURNAL_COMMENT;
    private static final Logger LOG = LoggerFactory.getLogger(PromotionJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<BuiltIndex>> INDEXES = new TypeReference<>() {
    };
    private static final String RUNNER = "pid " + ProcessHandle.current().pid() + " on " + hostName();
    private static final String FIND = "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = '" + TABLE + "' AND c.relkind = 'r' "
            + "AND obj_description(c.oid, 'pg_class') = ? ORDER BY n.nspname = current_schema() DESC, 1 LIMIT 1";
    private static final String COLUMNS = "run, migration, started, engine, runner, label, lock_holder, zone, "
            + "other_statement, indexes";

    /**
     * One row of the record.
     *
     * @param run            the promoting run
     * @param migration      the migration's id, or null for the row of the promotion itself
     * @param started        when the row was written, by the server's clock
     * @param engine         the engine's name
     * @param runner         the runner, for messages
     * @param label          the migration, for messages; null for the promotion's row
     * @param lockHolder     the engine's {@code lockHolder()}, on the promotion's row
     * @param zone           the runner's time zone, on the promotion's row
     * @param otherStatement see {@link MigrationIntent#otherStatement()}
     * @param indexes        see {@link MigrationIntent#indexes()}
     */
    public record Entry(String run, String migration, Instant started, String engine, String runner, String label,
                        String lockHolder, ZoneId zone, String otherStatement, List<BuiltIndex> indexes) {
        public Entry {
            indexes = indexes == null ? List.of() : List.copyOf(indexes);
        }

        /** True for the row of the promotion itself. */
        public boolean isPromotion() {
            return migration == null;
        }

        MigrationIntent intent() {
            return new MigrationIntent(migration, label, indexes, otherStatement);
        }
    }

    private final DataSource target;
    /** The record's qualified name, or null until it is made on the target. */
    private String table;
    private final String run = UUID.randomUUID().toString();
    private final String engine;

    private PromotionJournal(DataSource target, String table, String engine) {
        this.target = target;
        this.table = table;
        this.engine = engine;
    }

    /**
     * Creates the table when the target has none, and records that this runner starts to apply migrations with
     * {@code engine}.
     *
     * @param lockHolder the engine's {@code lockHolder()}, or null
     * @throws DatabaseException when the record cannot be written
     */
    public static PromotionJournal open(DataSource target, String engine, String lockHolder) {
        PromotionJournal journal = new PromotionJournal(target, null, engine);
        journal.start(lockHolder);
        return journal;
    }

    /**
     * A record that is made on the target only when the first migration's intent is {@linkplain #record recorded},
     * for an engine that holds no lock outliving its session: until a migration that needs it starts, the target is
     * left as the engine alone would see it. An engine may refuse to migrate a schema that holds tables but not its
     * history (Flyway does, on a target it never migrated), so the table must not appear before the engine has
     * started. Whether the table can be made is checked now — created and rolled back — so that a role that may not
     * create it is told before anything is applied.
     *
     * @throws DatabaseException when the record could not be made on the target
     */
    public static PromotionJournal onFirstRecord(DataSource target, String engine) {
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (find(connection) == null) {
                    create(connection);
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw cannotRecord(e);
        }
        return new PromotionJournal(target, null, engine);
    }

    private void start(String lockHolder) {
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            String found = find(connection);
            String made = found == null ? create(connection) : found;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + made
                    + " (run, migration, engine, runner, lock_holder, zone) VALUES (?, '', ?, ?, ?, ?)")) {
                insert.setString(1, run);
                insert.setString(2, engine);
                insert.setString(3, RUNNER);
                insert.setString(4, lockHolder);
                insert.setString(5, ZoneId.systemDefault().getId());
                insert.executeUpdate();
            }
            connection.commit();
            table = made;
        } catch (SQLException e) {
            throw cannotRecord(e);
        }
    }

    private static DatabaseException cannotRecord(SQLException e) {
        return new DatabaseException("Cannot record the promotion on the target (table " + TABLE + " in the "
                + "first schema of the search_path, which the next run reads if this one is killed): "
                + Sql.describe(e) + ". Let the role create tables there (GRANT CREATE ON SCHEMA ... TO ...), or "
                + "put a schema it may create tables in first in its search_path", e);
    }

    private static String create(Connection connection) throws SQLException {
        String schema;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
            rows.next();
            schema = rows.getString(1);
        }
        if (schema == null) {
            throw new SQLException("no schema of the search_path exists");
        }
        String table = Sql.format(connection, "%I.%I", schema, TABLE);
        Sql.execute(connection, "CREATE TABLE " + table + " (run text NOT NULL, migration text NOT NULL, "
                + "started timestamptz NOT NULL DEFAULT now(), engine text NOT NULL, runner text NOT NULL, "
                + "label text, lock_holder text, zone text, other_statement text, indexes jsonb, "
                + "PRIMARY KEY (run, migration))");
        // the name as an argument, not in the template: a schema's name may hold a % sign
        Sql.execute(connection, "COMMENT ON TABLE %s IS %L", table, COMMENT);
        return table;
    }

    /**
     * Records, before {@code intent}'s migration starts on the target, what it is expected to leave.
     *
     * @throws DatabaseException when it cannot: the migration must not start then
     */
    public void record(MigrationIntent intent) {
        if (table == null) {
            try {
                start(null);
            } catch (DatabaseException e) {
                throw new DatabaseException(e.getMessage() + ". Migration " + intent.label() + " (which runs "
                        + "outside a transaction) was not started", e);
            }
        }
        try (Connection connection = target.getConnection();
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table + " (run, migration, "
                     + "engine, runner, label, other_statement, indexes) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) "
                     + "ON CONFLICT (run, migration) DO UPDATE SET started = now(), label = excluded.label, "
                     + "other_statement = excluded.other_statement, indexes = excluded.indexes")) {
            connection.setAutoCommit(true);
            upsert.setString(1, run);
            upsert.setString(2, intent.migration());
            upsert.setString(3, engine);
            upsert.setString(4, RUNNER);
            upsert.setString(5, intent.label());
            upsert.setString(6, intent.otherStatement());
            upsert.setString(7, JSON.writeValueAsString(intent.indexes()));
            upsert.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new DatabaseException("Cannot record on the target, before it starts there, what migration "
                    + intent.label() + " (which runs outside a transaction) is expected to leave: "
                    + (e instanceof SQLException sql ? Sql.describe(sql) : e.getMessage())
                    + ". It was not started", e);
        }
    }

    /**
     * Ends the record of this promotion: the rows of the migrations the engine applied (their history rows are
     * written) and of the promotion itself are deleted, and the table is dropped when nothing else is left in it.
     * The row of a migration that did not complete stays for the next run. Failing to clean up is logged, not
     * thrown: the next run finds these migrations applied and deletes their rows then.
     */
    public void close(Collection<String> applied) {
        if (table == null) {
            return;
        }
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                    + " WHERE run = ? AND (migration = '' OR migration = ANY (?))")) {
                Array ids = connection.createArrayOf("text", applied.toArray());
                delete.setString(1, run);
                delete.setArray(2, ids);
                delete.executeUpdate();
            }
            dropIfEmpty(connection, table);
        } catch (SQLException e) {
            LOG.warn("Cannot clear Rehearsal's record of this promotion in {} on the target ({}); the next run "
                    + "will", table, Sql.describe(e));
        }
    }

    /** Same as {@code close(List.of())}. */
    @Override
    public void close() {
        close(List.of());
    }

    /** The qualified name of the target's table, or null when it has none. */
    public static String find(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(FIND)) {
            statement.setString(1, COMMENT);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** Every row of {@code table}, oldest first. */
    public static List<Entry> entries(Connection connection, String table) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + COLUMNS + " FROM " + table
                     + " ORDER BY started, migration")) {
            while (rows.next()) {
                String migration = rows.getString("migration");
                String zone = rows.getString("zone");
                String indexes = rows.getString("indexes");
                try {
                    entries.add(new Entry(rows.getString("run"), migration.isEmpty() ? null : migration,
                            rows.getObject("started", OffsetDateTime.class).toInstant(), rows.getString("engine"),
                            rows.getString("runner"), rows.getString("label"), rows.getString("lock_holder"),
                            zone == null ? null : ZoneId.of(zone), rows.getString("other_statement"),
                            indexes == null ? List.of() : JSON.readValue(indexes, INDEXES)));
                } catch (JsonProcessingException | RuntimeException e) {
                    throw new SQLException("row of run " + rows.getString("run") + ", migration '" + migration
                            + "' of " + table + " is not as Rehearsal writes it: " + e.getMessage(), e);
                }
            }
        }
        return entries;
    }

    /** Deletes the row of {@code entry}. */
    public static void remove(Connection connection, String table, Entry entry) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE run = ? AND migration = ?")) {
            delete.setString(1, entry.run());
            delete.setString(2, entry.isPromotion() ? "" : entry.migration());
            delete.executeUpdate();
        }
    }

    /** The SQL that deletes {@code entry}'s row, for messages. */
    public static String removal(Connection connection, String table, Entry entry) throws SQLException {
        return Sql.format(connection, "DELETE FROM %s WHERE run = %L AND migration = %L", table, entry.run(),
                entry.isPromotion() ? "" : entry.migration());
    }

    /** Drops {@code table} when it has no row, in a transaction that waits for its lock at most two seconds. */
    public static void dropIfEmpty(Connection connection, String table) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '2s'");
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            boolean empty;
            try (ResultSet rows = statement.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")")) {
                rows.next();
                empty = rows.getBoolean(1);
            }
            if (empty) {
                statement.execute("DROP TABLE " + table);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | RuntimeException e) {
            return "an unknown host";
        }
    }
}
