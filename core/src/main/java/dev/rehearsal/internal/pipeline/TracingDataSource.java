package dev.rehearsal.internal.pipeline;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.ContentFingerprint.ContentHash;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import dev.rehearsal.trace.StatementTrace.RelationRewrite;
import dev.rehearsal.trace.StatementTrace.TableScan;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a DataSource so that every statement executed through its connections is recorded as a
 * {@link StatementTrace}, whichever tool sends it (SQL scripts, Java migrations, the tool's bookkeeping).
 *
 * <p>With {@link KnownRelations} (the relations that existed before the migrations), it also records what each
 * statement did: the table locks it acquired and how long they were held (until its transaction ended), the rows of
 * existing tables it scanned, and the existing relations it rewrote. It reads them, after each statement that leaves
 * a transaction open, with one query on the statement's own connection that calls only lock-free functions
 * ({@code pg_lock_status()}, {@code pg_relation_filenode()}, {@code pg_stat_get_tuples_returned()}): it touches
 * no table, so it takes no lock and cannot change what the migration locks, waits for or does (the one visible
 * trace is that {@code pg_stat_activity.query} of the session shows the probe, marked {@code rehearsal:probe}, as its
 * last statement). Statements in
 * auto-commit mode ({@code CONCURRENTLY}, {@code VACUUM}) are watched from a separate session instead, since their
 * locks are gone when they return.
 *
 * <p>Before a migration's statement that drops a table, or a column of a table, that existed before the migrations,
 * it reads what is about to go: a {@link ContentFingerprint} (one scan of the table, on the same connection and in
 * the same transaction, under a savepoint), so that a check can tell a swap from a loss. It locks the table in ACCESS
 * SHARE mode, which the drop's ACCESS EXCLUSIVE lock includes: it waits for nothing the drop would not wait for.
 * Statements that do not say {@code DROP} cost nothing more. The fingerprint's time, locks and scans are not the
 * statement's.
 *
 * <p>It is also the {@link MigrationObserver} that attributes statements to the migration running at the time.
 */
final class TracingDataSource extends ForwardingDataSource implements MigrationObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TracingDataSource.class);
    private static final Set<String> EXECUTE = Set.of("execute", "executeUpdate", "executeLargeUpdate",
            "executeQuery", "executeBatch", "executeLargeBatch");
    /** Lock-free: function calls only, no relation is opened. The marker lets server logs tell probes apart. */
    /**
     * Rows returned by scans of a relation, ever: the shared statistics plus this backend's pending ones. The sum
     * keeps growing across transactions (pending counts move into the shared ones when flushed, at most once a second
     * and never inside a transaction) and includes parallel workers, which flush theirs when they exit. The pending
     * counts alone are not per transaction: they carry earlier transactions' scans until the next flush.
     */
    private static final String ROWS_READ = "(pg_stat_get_tuples_returned(%1$s) + pg_stat_get_xact_tuples_returned(%1$s))";
    static final String PROBE = "/* rehearsal:probe */ SELECT l.relation::int8, l.mode, l.relation::regclass::text, "
            + "pg_relation_filenode(l.relation)::int8, " + ROWS_READ.formatted("l.relation") + " "
            + "FROM pg_lock_status() l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
            + "AND l.relation >= 16384";
    /** {@code INSERT INTO t [(...)] VALUES ...}: one group is the table. No SELECT, so it scans nothing. */
    private static final Pattern INSERT_VALUES = Pattern.compile(
            "^(?:\\s*--[^\\n]*\\n)*\\s*insert\\s+into\\s+((?:\"[^\"]+\"|[a-z0-9_$]+)(?:\\.(?:\"[^\"]+\"|[a-z0-9_$]+))?)[^;]*?\\bvalues\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SELECT = Pattern.compile("\\bselect\\b",
            Pattern.CASE_INSENSITIVE);
    private static final String FILENODES = "/* rehearsal:probe */ SELECT o::int8, pg_relation_filenode(o)::int8, "
            + ROWS_READ.formatted("o") + " FROM unnest(string_to_array(?, ',')::oid[]) AS o";

    private final KnownRelations known;
    private final List<Entry> entries = new ArrayList<>();
    private final List<ContentFingerprint> fingerprints = new CopyOnWriteArrayList<>();
    private final Map<Long, Long> filenodes = new ConcurrentHashMap<>();
    private final LockSampler sampler;
    private final StatementGuard guard;
    private final long fingerprintLimitBytes;
    private volatile String currentMigration;

    /** Records statements only (SQL, duration, rows, errors), without lock, scan or rewrite evidence. */
    public TracingDataSource(DataSource delegate) {
        this(delegate, null);
    }

    /**
     * Records statements and their evidence.
     *
     * @param known the relations that existed before the migrations; null records statements only
     */
    public TracingDataSource(DataSource delegate, KnownRelations known) {
        this(delegate, known, StatementGuard.NONE);
    }

    /**
     * Records statements and their evidence, and lets {@code guard} refuse statements before they are sent.
     *
     * @param known the relations that existed before the migrations; null records statements only
     */
    public TracingDataSource(DataSource delegate, KnownRelations known, StatementGuard guard) {
        this(delegate, known, guard, ContentHash.MAX_TABLE_BYTES);
    }

    /**
     * Records statements and their evidence, lets {@code guard} refuse statements before they are sent, and
     * fingerprints what the migrations drop from tables of up to {@code fingerprintLimitBytes}.
     *
     * @param known                 the relations that existed before the migrations; null records statements only
     * @param fingerprintLimitBytes the largest table ({@code pg_table_size}) whose dropped content is hashed: a hash
     *                              reads the whole table; 0 hashes none
     */
    public TracingDataSource(DataSource delegate, KnownRelations known, StatementGuard guard,
                             long fingerprintLimitBytes) {
        super(delegate);
        this.fingerprintLimitBytes = fingerprintLimitBytes;
        this.known = known;
        this.guard = java.util.Objects.requireNonNull(guard, "guard");
        this.sampler = known == null ? null : new LockSampler(delegate);
        if (known != null) {
            known.all().forEach(relation -> filenodes.put(relation.oid(), relation.filenode()));
        }
    }

    /** Everything recorded so far, in execution order. */
    public List<StatementTrace> statements() {
        long now = System.nanoTime();
        synchronized (entries) {
            return entries.stream().map(entry -> entry.toTrace(now)).toList();
        }
    }

    /**
     * What the migrations dropped, fingerprinted just before each statement that dropped a table, or a column of a
     * table, that existed before them ({@link ContentFingerprint}); in execution order. Needs {@link KnownRelations}.
     */
    public List<ContentFingerprint> fingerprints() {
        return List.copyOf(fingerprints);
    }

    @Override
    public void starting(Migration migration) {
        currentMigration = migration.id();
    }

    @Override
    public void finished(Migration migration, boolean succeeded) {
        currentMigration = null;
    }

    /** Closes the lock sampler's session. */
    @Override
    public void close() {
        if (sampler != null) {
            sampler.close();
        }
    }

    private Entry begin(String sql, boolean inTransaction) {
        synchronized (entries) {
            Entry entry = new Entry(entries.size() + 1, currentMigration, sql, inTransaction);
            entries.add(entry);
            return entry;
        }
    }

    @Override
    protected Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(TracingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ConnectionHandler(connection));
    }

    /** A statement being or having been recorded; lock hold times are settled when its transaction ends. */
    private static final class Entry {
        final int sequence;
        final String migration;
        final String sql;
        final boolean inTransaction;
        final Instant startedAt = Instant.now();
        /** Moved past the time the guard took: that time is Rehearsal's, not the statement's. */
        volatile long startNanos = System.nanoTime();
        long durationMicros;
        Long rows;
        String sqlState;
        String error;
        final List<HeldLock> locks = new ArrayList<>();
        final List<TableScan> scans = new ArrayList<>();
        final List<RelationRewrite> rewrites = new ArrayList<>();

        Entry(int sequence, String migration, String sql, boolean inTransaction) {
            this.sequence = sequence;
            this.migration = migration;
            this.sql = sql;
            this.inTransaction = inTransaction;
        }

        synchronized StatementTrace toTrace(long now) {
            List<LockTrace> lockTraces = locks.stream().map(lock -> lock.toTrace(now)).toList();
            return new StatementTrace(sequence, migration, sql, startedAt, durationMicros, rows, inTransaction,
                    sqlState, error, lockTraces, scans, rewrites);
        }
    }

    /** A lock acquired by a statement, held until its transaction ends. */
    private static final class HeldLock {
        final long oid;
        final String name;
        final boolean existedBefore;
        final LockMode mode;
        final long acquiredNanos;
        final boolean sampled;
        volatile long releasedNanos = -1;
        /** Time Rehearsal itself took while the lock was held (the guard reading later statements). */
        volatile long excludedNanos;

        HeldLock(long oid, String name, boolean existedBefore, LockMode mode, long acquiredNanos, boolean sampled) {
            this.oid = oid;
            this.name = name;
            this.existedBefore = existedBefore;
            this.mode = mode;
            this.acquiredNanos = acquiredNanos;
            this.sampled = sampled;
        }

        LockTrace toTrace(long now) {
            long end = releasedNanos < 0 ? now : releasedNanos;
            return new LockTrace(oid, name, existedBefore, mode, (end - acquiredNanos - excludedNanos) / 1_000_000,
                    sampled);
        }
    }

    private final class ConnectionHandler implements InvocationHandler {
        private final Connection connection;
        /** Locks of the open transaction, by "oid/mode". */
        private final Map<String, HeldLock> held = new HashMap<>();
        /** Rows read per known table as of the last probe on this connection (see {@code ROWS_READ}). */
        private final Map<Long, Long> rowsRead = new HashMap<>();
        private PreparedStatement probe;

        ConnectionHandler(Connection connection) {
            this.connection = connection;
            if (known != null) {
                start();
            }
        }

        /**
         * Before the session's first statement, in auto-commit mode (so inside no transaction of the migration): read
         * the shared statistics live rather than from a per-transaction snapshot (PostgreSQL 15+), and note how many
         * rows each existing table had returned so far.
         */
        private void start() {
            try {
                if (!connection.getAutoCommit()) {
                    return;
                }
                if (connection.getMetaData().getDatabaseMajorVersion() >= 15) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("/* rehearsal:probe */ SET stats_fetch_consistency = none");
                    }
                }
                readCounters(null);
            } catch (SQLException e) {
                LOG.debug("Could not prepare the session for tracing", e);
            }
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("close")) {
                closeProbe();
            }
            Object result = invokeOn(connection, method, args);
            switch (name) {
                case "createStatement":
                    return statement(Statement.class, (Statement) result, (Connection) proxy, null);
                case "prepareStatement":
                    return statement(PreparedStatement.class, (Statement) result, (Connection) proxy,
                            (String) args[0]);
                case "prepareCall":
                    return statement(CallableStatement.class, (Statement) result, (Connection) proxy,
                            (String) args[0]);
                case "commit", "close":
                    transactionEnded();
                    return result;
                case "rollback":
                    if (args == null || args.length == 0) {
                        transactionEnded();
                    }
                    return result;
                case "setAutoCommit":
                    if (Boolean.TRUE.equals(args[0])) {
                        transactionEnded();
                    }
                    return result;
                default:
                    return result;
            }
        }

        private Object statement(Class<?> type, Statement statement, Connection proxy, String preparedSql) {
            return Proxy.newProxyInstance(TracingDataSource.class.getClassLoader(), new Class<?>[] {type},
                    new StatementHandler(this, statement, proxy, preparedSql));
        }

        boolean autoCommit() throws SQLException {
            return connection.getAutoCommit();
        }

        /** Starts watching this backend's locks while an auto-commit statement of a migration runs. */
        LockSampler.Run startSampling(Entry entry) {
            if (sampler == null || entry.inTransaction || entry.migration == null) {
                return null;
            }
            try {
                return sampler.start(connection.unwrap(PGConnection.class).getBackendPID());
            } catch (SQLException e) {
                return null;
            }
        }

        /** Reads the statement's evidence; never lets a probe problem reach the migration. */
        void after(Entry entry, LockSampler.Run sampling, boolean failed) {
            if (known == null) {
                return;
            }
            try {
                if (sampling != null) {
                    recordSampled(entry, sampling.stop());
                }
                TransactionState state = connection.unwrap(BaseConnection.class).getTransactionState();
                if (state == TransactionState.OPEN && !failed && !insertIntoLockedTable(entry.sql)) {
                    probeTransaction(entry);
                } else if (state == TransactionState.IDLE) {
                    if (!failed && !entry.inTransaction && entry.migration != null) {
                        readCounters(entry);
                    }
                    transactionEnded();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Could not read the evidence of statement {}", entry.sequence, e);
            }
        }

        /**
         * Before a migration's statement that drops a table or a column of one that existed before: fingerprints what
         * it drops ({@link DropFingerprints}), then takes the locks and scans of the fingerprint out of the
         * statement's evidence (they are Rehearsal's, and the drop locks the table more strongly anyway). Its time is
         * taken out by the caller, with the guard's. Never lets a problem reach the migration.
         */
        void fingerprintDrops(Entry entry) {
            if (known == null || entry.migration == null || fingerprintLimitBytes <= 0) {
                return;
            }
            List<DropFingerprints.Target> targets = DropFingerprints.targets(entry.sql);
            if (targets.isEmpty()) {
                return;
            }
            try {
                List<ContentFingerprint> taken = DropFingerprints.take(connection, entry.sequence, targets, known,
                        fingerprintLimitBytes);
                fingerprints.addAll(taken);
                if (taken.isEmpty()) {
                    return;
                }
                if (connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.OPEN) {
                    Map<Long, Long> readNow = new HashMap<>();
                    try (ResultSet rows = probe().executeQuery()) {
                        while (rows.next()) {
                            long oid = rows.getLong(1);
                            String mode = rows.getString(2);
                            if (!held.containsKey(oid + "/" + mode)) {
                                // held by no statement: the probe after the drop does not charge it to the drop
                                held.put(oid + "/" + mode, new HeldLock(oid, rows.getString(3), false,
                                        LockMode.fromPgName(mode), entry.startNanos, false));
                            }
                            readNow.put(oid, rows.getLong(5));
                        }
                    }
                    recordScans(null, readNow);
                } else {
                    readCounters(null);
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Could not fingerprint what statement {} drops", entry.sequence, e);
            }
        }

        private PreparedStatement probe() throws SQLException {
            if (probe == null) {
                probe = connection.prepareStatement(PROBE);
            }
            return probe;
        }

        private void probeTransaction(Entry entry) throws SQLException {
            Map<Long, Long> readNow = new HashMap<>();
            try (ResultSet rows = probe().executeQuery()) {
                while (rows.next()) {
                    long oid = rows.getLong(1);
                    String mode = rows.getString(2);
                    String name = known.get(oid).map(KnownRelations.Relation::name).orElse(rows.getString(3));
                    if (!held.containsKey(oid + "/" + mode)) {
                        HeldLock lock = new HeldLock(oid, name, known.get(oid).isPresent(),
                                LockMode.fromPgName(mode), entry.startNanos, false);
                        held.put(oid + "/" + mode, lock);
                        synchronized (entry) {
                            entry.locks.add(lock);
                        }
                    }
                    readNow.put(oid, rows.getLong(5));
                    checkRewrite(entry, oid, rows.getLong(4));
                }
            }
            recordScans(entry, readNow);
        }

        /**
         * Charges the rows read since the last probe to this statement, for existing tables. The counters never go
         * down, except as PostgreSQL 14 shows them: its shared counts come from the statistics collector, and a
         * transaction may see them as they were up to half a second earlier, before the session's own counts of a
         * transaction it just committed reached the collector. Such a lower reading is stale: keeping the highest
         * one keeps those rows from being charged again, to a later statement, once the collector has them.
         */
        private void recordScans(Entry entry, Map<Long, Long> readNow) {
            for (Map.Entry<Long, Long> counter : readNow.entrySet()) {
                long oid = counter.getKey();
                Long before = rowsRead.get(oid);
                rowsRead.put(oid, before == null ? counter.getValue() : Math.max(before, counter.getValue()));
                if (before == null || entry == null) {
                    continue;
                }
                long delta = counter.getValue() - before;
                known.get(oid).filter(relation -> relation.kind().endsWith("table") && delta > 0)
                        .ifPresent(relation -> {
                            synchronized (entry) {
                                entry.scans.add(new TableScan(oid, relation.name(), delta));
                            }
                        });
            }
        }

        /**
         * True for {@code INSERT ... VALUES} into a table this transaction already holds ROW EXCLUSIVE on: such a
         * statement takes no new table lock worth knowing, scans nothing and rewrites nothing, so the probe (its
         * only cost per statement) is skipped — migrations that insert rows one by one stay cheap to trace.
         */
        private boolean insertIntoLockedTable(String sql) {
            if (sql == null) {
                return false;
            }
            Matcher insert = INSERT_VALUES.matcher(sql);
            if (!insert.find() || SELECT.matcher(sql).find()) {
                return false;
            }
            String table = unqualified(insert.group(1));
            return held.values().stream().anyMatch(lock -> lock.mode == LockMode.ROW_EXCLUSIVE
                    && unqualified(lock.name).equals(table));
        }

        private String unqualified(String name) {
            String last = name.substring(name.lastIndexOf('.') + 1);
            return last.startsWith("\"") ? last.replace("\"", "") : last.toLowerCase(Locale.ROOT);
        }

        /**
         * After an auto-commit statement (its locks are gone): did it rewrite anything, and what did it read? With a
         * null entry, only notes the counters (the session's starting point).
         */
        private void readCounters(Entry entry) throws SQLException {
            if (known.oidList().isEmpty()) {
                return;
            }
            Map<Long, Long> readNow = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(FILENODES)) {
                statement.setString(1, known.oidList());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        if (entry != null) {
                            checkRewrite(entry, rows.getLong(1), rows.getLong(2));
                        }
                        readNow.put(rows.getLong(1), rows.getLong(3));
                    }
                }
            }
            recordScans(entry, readNow);
        }

        private void recordSampled(Entry entry, List<LockSampler.Seen> seen) {
            for (LockSampler.Seen lock : seen) {
                String name = known.get(lock.oid()).map(KnownRelations.Relation::name).orElse(lock.name());
                HeldLock heldLock = new HeldLock(lock.oid(), name, known.get(lock.oid()).isPresent(),
                        LockMode.fromPgName(lock.mode()), entry.startNanos, true);
                heldLock.releasedNanos = System.nanoTime();
                synchronized (entry) {
                    entry.locks.add(heldLock);
                }
            }
        }

        private void checkRewrite(Entry entry, long oid, long filenode) {
            Long before = filenodes.get(oid);
            if (before != null && filenode != 0 && before != filenode) {
                filenodes.put(oid, filenode);
                known.get(oid).ifPresent(relation -> {
                    synchronized (entry) {
                        entry.rewrites.add(new RelationRewrite(oid, relation.name(), relation.kind(),
                                relation.sizeBytes()));
                    }
                });
            }
        }

        /**
         * Takes {@code nanos} that Rehearsal spent before sending {@code entry} (the guard reading it) out of the
         * statement's duration and out of the hold times of the locks its transaction already holds: a lock held
         * while Rehearsal parsed would otherwise look held longer by the migration.
         */
        void notTheMigrations(Entry entry, long nanos) {
            entry.startNanos += nanos;
            held.values().forEach(lock -> lock.excludedNanos += nanos);
        }

        /** The transaction ended: its locks are released now. */
        private void transactionEnded() {
            long now = System.nanoTime();
            held.values().forEach(lock -> lock.releasedNanos = now);
            held.clear();
        }

        private void closeProbe() {
            if (probe != null) {
                try {
                    probe.close();
                } catch (SQLException e) {
                    LOG.debug("Cannot close the probe", e);
                }
                probe = null;
            }
        }
    }

    private final class StatementHandler implements InvocationHandler {
        private final ConnectionHandler owner;
        private final Statement statement;
        private final Connection connectionProxy;
        private final String preparedSql;
        private final List<String> batch = new ArrayList<>();

        StatementHandler(ConnectionHandler owner, Statement statement, Connection connectionProxy,
                         String preparedSql) {
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
            Entry entry = begin(sqlOf(name, args), !owner.autoCommit());
            LockSampler.Run sampling = null;
            Object result;
            try {
                long guardStart = System.nanoTime();
                guard.check(entry.sql);
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
