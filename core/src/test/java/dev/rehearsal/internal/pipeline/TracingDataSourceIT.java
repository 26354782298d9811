package dev.rehearsal.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.internal.pipeline.KnownRelations;
import dev.rehearsal.internal.pipeline.StatementGuard;
import dev.rehearsal.internal.pipeline.TracingDataSource;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

@OnEveryMajor
class TracingDataSourceIT {
    private static final String[] ITEMS = {
            "CREATE TABLE items (id int PRIMARY KEY, price int NOT NULL)",
            "INSERT INTO items SELECT i, i * 10 FROM generate_series(1, 10) i",
            "CREATE TABLE audit (item int, note text)"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void recordsEachStatementWithItsSqlAndTheRowsItAffected() throws SQLException {
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(databases.create("statements", ITEMS)));
        Instant before = Instant.now();

        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE items SET price = price + 1 WHERE id <= 4")).isEqualTo(4);
            assertThat(statement.execute("UPDATE items SET price = 0 WHERE id > 7")).isFalse();
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM items WHERE price = 0")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(3);
            }
            assertThat(statement.executeLargeUpdate("DELETE FROM items WHERE id = 10")).isEqualTo(1L);
        }

        assertThat(traced.statements())
                .extracting(StatementTrace::sequence, StatementTrace::sql, StatementTrace::rowsAffected,
                        StatementTrace::migration, StatementTrace::failed)
                .containsExactly(
                        tuple(1, "UPDATE items SET price = price + 1 WHERE id <= 4", 4L, null, false),
                        tuple(2, "UPDATE items SET price = 0 WHERE id > 7", 3L, null, false),
                        tuple(3, "SELECT count(*) FROM items WHERE price = 0", null, null, false),
                        tuple(4, "DELETE FROM items WHERE id = 10", 1L, null, false));
        assertThat(traced.statements()).allSatisfy(trace -> {
            assertThat(trace.startedAt()).isBetween(before, Instant.now());
            assertThat(trace.durationMicros()).isNotNegative();
            assertThat(trace.sqlState()).isNull();
        });
    }

    @Test
    void recordsPreparedStatementsWithTheirSqlText() throws SQLException {
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(databases.create("prepared", ITEMS)));

        try (Connection connection = traced.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE items SET price = ? WHERE id <= ?");
             PreparedStatement select = connection.prepareStatement("SELECT sum(price) FROM items WHERE id <= ?")) {
            update.setInt(1, 5);
            update.setInt(2, 6);
            assertThat(update.executeUpdate()).isEqualTo(6);
            select.setInt(1, 6);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(30);
            }
        }

        assertThat(traced.statements())
                .extracting(StatementTrace::sql, StatementTrace::rowsAffected)
                .containsExactly(
                        tuple("UPDATE items SET price = ? WHERE id <= ?", 6L),
                        tuple("SELECT sum(price) FROM items WHERE id <= ?", null));
    }

    @Test
    void recordsWhetherEachStatementRanInsideATransactionOrInAutoCommit() throws SQLException {
        String database = databases.create("transactions", ITEMS);
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(database));

        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("UPDATE items SET price = 1 WHERE id = 1");
            connection.commit();
            connection.setAutoCommit(true);
            statement.execute("CREATE INDEX CONCURRENTLY items_price ON items (price)");
        }

        assertThat(traced.statements())
                .extracting(StatementTrace::sql, StatementTrace::inTransaction)
                .containsExactly(
                        tuple("UPDATE items SET price = 1 WHERE id = 1", true),
                        tuple("CREATE INDEX CONCURRENTLY items_price ON items (price)", false));
        assertThat(postgres.query(database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_price'::regclass"))
                .containsExactly("t");
    }

    @Test
    void recordsAFailedStatementWithItsSqlStateAndStillThrowsTheServerError() throws SQLException {
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(databases.create("failures", ITEMS)));

        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement();
             PreparedStatement divide = connection.prepareStatement("SELECT price / ? FROM items")) {
            assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO items VALUES (1, 1)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            divide.setInt(1, 0);
            assertThatThrownBy(divide::executeQuery)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22012"));
        }

        assertThat(traced.statements()).allSatisfy(trace -> {
            assertThat(trace.failed()).isTrue();
            assertThat(trace.rowsAffected()).isNull();
        });
        assertThat(traced.statements())
                .extracting(StatementTrace::sql, StatementTrace::sqlState)
                .containsExactly(
                        tuple("INSERT INTO items VALUES (1, 1)", "23505"),
                        tuple("SELECT price / ? FROM items", "22012"));
        assertThat(traced.statements().get(0).error()).contains("duplicate key value violates unique constraint");
        assertThat(traced.statements().get(1).error()).contains("division by zero");
    }

    @Test
    void recordsABatchAsOneStatementWithAllItsSqlAndTheSumOfItsRows() throws SQLException {
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(databases.create("batches", ITEMS)));

        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO audit VALUES (?, ?)")) {
            statement.addBatch("DELETE FROM audit");
            statement.clearBatch();
            statement.addBatch("UPDATE items SET price = 1 WHERE id = 1");
            statement.addBatch("UPDATE items SET price = 2 WHERE id IN (2, 3, 4)");
            assertThat(statement.executeBatch()).containsExactly(1, 3);
            for (int item = 1; item <= 3; item++) {
                insert.setInt(1, item);
                insert.setString(2, "note " + item);
                insert.addBatch();
            }
            assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
            statement.addBatch("UPDATE items SET price = 3 WHERE id = 5");
            assertThat(statement.executeBatch()).containsExactly(1);
        }

        assertThat(traced.statements())
                .extracting(StatementTrace::sql, StatementTrace::rowsAffected)
                .containsExactly(
                        tuple("UPDATE items SET price = 1 WHERE id = 1;\nUPDATE items SET price = 2 WHERE id IN (2, 3, 4)",
                                4L),
                        tuple("INSERT INTO audit VALUES (?, ?)", 3L),
                        tuple("UPDATE items SET price = 3 WHERE id = 5", 1L));
    }

    @Test
    void attributesStatementsToTheMigrationRunningBetweenStartingAndFinished() throws SQLException {
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(databases.create("attribution", ITEMS)));
        Migration first = new Migration("1", "1", "first", "V1__first.sql", "SQL", null);
        Migration second = new Migration("2", "2", "second", "V2__second.sql", "SQL", null);

        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 'bookkeeping before'");
            traced.starting(first);
            statement.execute("UPDATE items SET price = 1");
            statement.execute("SELECT 'still the first'");
            traced.finished(first, true);
            statement.execute("SELECT 'bookkeeping between'");
            traced.starting(second);
            assertThatThrownBy(() -> statement.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
            traced.finished(second, false);
        }

        assertThat(traced.statements())
                .extracting(StatementTrace::sql, StatementTrace::migration)
                .containsExactly(
                        tuple("SELECT 'bookkeeping before'", null),
                        tuple("UPDATE items SET price = 1", "1"),
                        tuple("SELECT 'still the first'", "1"),
                        tuple("SELECT 'bookkeeping between'", null),
                        tuple("SELECT 1 / 0", "2"));
    }

    @Test
    void statementsGiveBackTheTracingConnectionSoThatWorkThroughThemIsTracedToo() throws SQLException {
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(databases.create("proxy", ITEMS)));

        try (Connection connection = traced.getConnection(); Statement statement = connection.createStatement();
             PreparedStatement prepared = connection.prepareStatement("SELECT 1")) {
            assertThat(statement.getConnection()).isSameAs(connection);
            assertThat(prepared.getConnection()).isSameAs(connection);
            try (Statement another = statement.getConnection().createStatement()) {
                another.execute("SELECT 'through getConnection()'");
            }
        }

        assertThat(traced.statements()).extracting(StatementTrace::sql).containsExactly("SELECT 'through getConnection()'");
        assertThat(traced.unwrap(TracingDataSource.class)).isSameAs(traced);
        assertThat(traced.isWrapperFor(DataSource.class)).isTrue();
    }

    /**
     * The same workload through a traced and an untraced DataSource, on two identical databases: the server logs
     * the same statements from both sessions, holds the same locks inside the open transaction, and afterwards both
     * databases are the same. A wrapper that sent anything of its own (a query for the transaction state, a
     * savepoint, a {@code SET}) would show up here.
     */
    @Test
    void sendsNothingOfItsOwnToTheServer() throws SQLException {
        String tracedDatabase = databases.create("traced", ITEMS);
        String plainDatabase = databases.create("plain", ITEMS);
        postgres.logStatements(tracedDatabase);
        postgres.logStatements(plainDatabase);
        TracingDataSource traced = new TracingDataSource(postgres.dataSource(tracedDatabase));

        ServerView withTracing = runWorkloadAndLook(traced, tracedDatabase);
        ServerView withoutTracing = runWorkloadAndLook(postgres.dataSource(plainDatabase), plainDatabase);

        assertThat(withTracing.statementsLogged()).contains(
                "LOG:  execute <unnamed>: UPDATE items SET price = price * 2 WHERE id <= 5",
                "LOG:  execute <unnamed>: INSERT INTO audit VALUES ($1, $2)",
                // PostgreSQL 14 to 16 write "parameters" in lower case
                "DETAIL:  " + (postgres.major() >= 17 ? "P" : "p") + "arameters: $1 = '1', $2 = 'doubled'",
                "LOG:  execute <unnamed>: SELECT count(*) FROM audit");
        assertThat(withTracing.locks()).contains("relation|items|AccessExclusiveLock|true",
                "relation|audit|RowExclusiveLock|true", "transactionid||ExclusiveLock|true");
        assertThat(withTracing).isEqualTo(withoutTracing);
        assertThat(postgres.describe(tracedDatabase)).isEqualTo(postgres.describe(plainDatabase));
        assertThat(traced.statements()).extracting(StatementTrace::sql).last().isEqualTo(END_OF_WORKLOAD);
    }

    @Test
    void theTimeAGuardTakesIsNeitherTheStatementsNorHeldByTheMigrationsLocks() throws SQLException {
        String database = databases.create("guarded", ITEMS);
        KnownRelations known = KnownRelations.read(postgres.dataSource(database));
        StatementGuard slow = sql -> {
            if (sql.startsWith("UPDATE")) {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (TracingDataSource traced = new TracingDataSource(postgres.dataSource(database), known, slow);
             Connection connection = traced.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("ALTER TABLE items ADD COLUMN note text");
            statement.executeUpdate("UPDATE items SET note = 'x'");
            connection.commit();

            List<StatementTrace> trace = traced.statements();
            assertThat(trace.get(1).durationMicros()).isLessThan(1_000_000);
            assertThat(trace.get(0).locks()).filteredOn(lock -> lock.relation().endsWith("items"))
                    .isNotEmpty().allSatisfy(lock -> assertThat(lock.heldMillis()).isLessThan(1000));
        }
    }

    @Test
    void collectingLockScanAndRewriteEvidenceChangesNoLockResultOrDataOfTheWorkload() throws SQLException {
        String tracedDatabase = databases.create("evidence", ITEMS);
        String plainDatabase = databases.create("noevidence", ITEMS);
        postgres.logStatements(tracedDatabase);
        postgres.logStatements(plainDatabase);
        KnownRelations known = KnownRelations.read(postgres.dataSource(tracedDatabase));
        try (TracingDataSource traced = new TracingDataSource(postgres.dataSource(tracedDatabase), known)) {
            ServerView withEvidence = runWorkloadAndLook(traced, tracedDatabase);
            ServerView without = runWorkloadAndLook(postgres.dataSource(plainDatabase), plainDatabase);

            List<String> logged = withEvidence.statementsLogged();
            List<String> probes = logged.stream().filter(line -> line.contains("rehearsal:probe")).toList();
            // at the session's start, in auto-commit before its first statement: live statistics (PostgreSQL 15+;
            // 14 has no stats_fetch_consistency, and reads them from a snapshot per transaction) and a baseline of
            // rows read; then one after each statement that left the transaction open
            int atStart = postgres.major() >= 15 ? 2 : 1;
            assertThat(probes).hasSize(atStart + 6);
            if (atStart == 2) {
                assertThat(probes.get(0)).contains("SET stats_fetch_consistency = none");
            }
            assertThat(probes).noneMatch(line -> atStart == 1 && line.contains("stats_fetch_consistency"));
            assertThat(probes.get(atStart - 1)).contains("pg_stat_get_tuples_returned");
            assertThat(logged.indexOf(probes.get(atStart - 1))).isLessThan(logged.indexOf("LOG:  statement: BEGIN"));
            assertThat(probes.subList(atStart, atStart + 6)).allSatisfy(line -> assertThat(line)
                    .contains("pg_lock_status()").doesNotContain(" FROM items").doesNotContain(" FROM audit"));
            // the driver numbers its server-side prepared statements (S_1, S_2...): the probe is one of them
            assertThat(withoutProbes(withEvidence.statementsLogged()).stream()
                    .map(TracingDataSourceIT::unnumbered).toList())
                    .isEqualTo(without.statementsLogged().stream().map(TracingDataSourceIT::unnumbered).toList());
            assertThat(withEvidence.locks()).isEqualTo(without.locks());
            assertThat(withEvidence.results()).isEqualTo(without.results());
            // pg_stat_activity.query shows the last statement the session sent, which is now the probe; the session's
            // state and transaction are the same
            assertThat(withEvidence.activity()).extracting(TracingDataSourceIT::withoutQuery)
                    .isEqualTo(without.activity().stream().map(TracingDataSourceIT::withoutQuery).toList());
            assertThat(postgres.describe(tracedDatabase)).isEqualTo(postgres.describe(plainDatabase));
            // and the evidence is there: the ALTER TABLE took ACCESS EXCLUSIVE on items
            assertThat(traced.statements()).filteredOn(s -> s.sql().startsWith("ALTER TABLE items"))
                    .singleElement().satisfies(s -> assertThat(s.locks()).extracting(LockTrace::relation,
                            LockTrace::mode).contains(tuple("public.items", LockMode.ACCESS_EXCLUSIVE)));
        }
    }

    private static String withoutQuery(String activity) {
        String[] columns = activity.split("\\|");
        return columns[0] + "|" + columns[columns.length - 1];
    }

    /** The server's log of a session without the probes' lines (a probe's parameters are logged on the next line). */
    private static List<String> withoutProbes(List<String> logged) {
        List<String> kept = new ArrayList<>();
        boolean afterProbe = false;
        for (String line : logged) {
            boolean probe = line.contains("rehearsal:probe");
            if (!probe && !(afterProbe && line.toLowerCase(Locale.ROOT).startsWith("detail:  parameters:"))) {
                kept.add(line);
            }
            afterProbe = probe;
        }
        return kept;
    }

    private static String unnumbered(String logLine) {
        return logLine.replaceAll("execute S_\\d+:", "execute S_n:");
    }

    private static final String END_OF_WORKLOAD = "SELECT 'end of workload'";

    private record ServerView(List<String> results, List<String> locks, List<String> activity,
                              List<String> statementsLogged) {
    }

    private ServerView runWorkloadAndLook(DataSource dataSource, String database) throws SQLException {
        List<String> results = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             Connection observer = postgres.dataSource(database).getConnection()) {
            int pid = connection.unwrap(PGConnection.class).getBackendPID();
            connection.setAutoCommit(false);
            results.add("updated " + statement.executeUpdate("UPDATE items SET price = price * 2 WHERE id <= 5"));
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit VALUES (?, ?)")) {
                insert.setInt(1, 1);
                insert.setString(2, "doubled");
                results.add("inserted " + insert.executeUpdate());
            }
            statement.execute("ALTER TABLE items ADD COLUMN currency text DEFAULT 'EUR'");
            statement.addBatch("UPDATE items SET currency = 'USD' WHERE id = 1");
            statement.addBatch("INSERT INTO audit VALUES (2, 'usd')");
            results.add("batch " + List.of(statement.executeBatch()).size());
            try (ResultSet rows = statement.executeQuery("SELECT sum(price), count(*) FROM items")) {
                rows.next();
                results.add("sum " + rows.getLong(1) + " of " + rows.getInt(2));
            }
            statement.execute("SELECT count(*) FROM audit");

            // relations made by the open transaction (the new column's TOAST table) are not visible to the observer
            List<String> locks = rows(observer, "SELECT locktype, CASE WHEN relation IS NULL THEN '' ELSE "
                    + "coalesce((SELECT relname FROM pg_class WHERE oid = relation), 'uncommitted relation') END "
                    + "AS rel, mode, granted FROM pg_locks WHERE pid = ? ORDER BY 1, 2, 3", pid);
            List<String> activity = rows(observer, "SELECT state, query, backend_xid IS NOT NULL "
                    + "FROM pg_stat_activity WHERE pid = ?", pid);
            connection.commit();
            statement.execute(END_OF_WORKLOAD);
            return new ServerView(results, locks, activity, postgres.serverLog(pid, END_OF_WORKLOAD));
        }
    }

    private static List<String> rows(Connection connection, String sql, int pid) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, pid);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    List<String> columns = new ArrayList<>();
                    for (int c = 1; c <= result.getMetaData().getColumnCount(); c++) {
                        columns.add(String.valueOf(result.getObject(c)));
                    }
                    rows.add(String.join("|", columns));
                }
            }
        }
        return rows;
    }
}
