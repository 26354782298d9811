package dev.rehearsal.internal.pipeline;

import static dev.rehearsal.internal.pipeline.ForwardingDataSource.invokeOn;

import dev.rehearsal.internal.pipeline.TracingDataSource.Entry;
import dev.rehearsal.internal.pipeline.TracingDataSource.HeldLock;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.LockMode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a {@link TracingDataSource}, as a proxy's handler: it hands out {@link TracedStatement}s and,
 * after each of their statements, reads the statement's evidence (the locks its transaction took, the rows it
 * scanned, the relations it rewrote) on this same connection, since the scan counters not yet flushed are visible to
 * this session only. It keeps what is this session's: the locks of its open transaction and the counters it last
 * read. What all connections share stays with the data source: the record of statements, the migration running, the
 * files of the known relations (a rewrite counts once, whichever connection sees it) and the fingerprints.
 */
final class TracedConnection implements InvocationHandler {
    /** Under the data source's name: all of tracing's debug output has one logger to turn on. */
    private static final Logger LOG = LoggerFactory.getLogger(TracingDataSource.class);
    /**
     * Rows returned by scans of a relation, ever: the shared statistics plus this backend's pending ones. The sum
     * keeps growing across transactions (pending counts move into the shared ones when flushed, at most once a second
     * and never inside a transaction) and includes parallel workers, which flush theirs when they exit. The pending
     * counts alone are not per transaction: they carry earlier transactions' scans until the next flush.
     */
    private static final String ROWS_READ = "(pg_stat_get_tuples_returned(%1$s) + "
            + "pg_stat_get_xact_tuples_returned(%1$s))";
    /** Lock-free: function calls only, no relation is opened. The marker lets server logs tell probes apart. */
    private static final String PROBE = "/* rehearsal:probe */ SELECT l.relation::int8, l.mode, "
            + "l.relation::regclass::text, pg_relation_filenode(l.relation)::int8, "
            + ROWS_READ.formatted("l.relation") + " "
            + "FROM pg_lock_status() l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
            + "AND l.relation >= 16384";
    /** {@code INSERT INTO t [(...)] VALUES ...}: one group is the table. No SELECT, so it scans nothing. */
    private static final Pattern INSERT_VALUES = Pattern.compile(
            "^(?:\\s*--[^\\n]*\\n)*\\s*insert\\s+into\\s+"
                    + "((?:\"[^\"]+\"|[a-z0-9_$]+)(?:\\.(?:\"[^\"]+\"|[a-z0-9_$]+))?)[^;]*?\\bvalues\\b",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SELECT = Pattern.compile("\\bselect\\b",
            Pattern.CASE_INSENSITIVE);
    private static final String FILENODES = "/* rehearsal:probe */ SELECT o::int8, pg_relation_filenode(o)::int8, "
            + ROWS_READ.formatted("o") + " FROM unnest(string_to_array(?, ',')::oid[]) AS o";

    private final Connection connection;
    private final TracingDataSource tracing;
    /** The relations that existed before the migrations; null records statements only. */
    private final KnownRelations known;
    /** Locks of the open transaction, by "oid/mode". */
    private final Map<String, HeldLock> held = new HashMap<>();
    /** Rows read per known table as of the last probe on this connection (see {@code ROWS_READ}). */
    private final Map<Long, Long> rowsRead = new HashMap<>();
    private PreparedStatement probe;

    private TracedConnection(Connection connection, TracingDataSource tracing) {
        this.connection = connection;
        this.tracing = tracing;
        this.known = tracing.known();
        if (known != null) {
            start();
        }
    }

    /** {@code connection}, each statement it runs recorded by {@code tracing}. */
    static Connection wrap(Connection connection, TracingDataSource tracing) {
        return (Connection) Proxy.newProxyInstance(TracedConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new TracedConnection(connection, tracing));
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
        return Proxy.newProxyInstance(TracedConnection.class.getClassLoader(), new Class<?>[] {type},
                new TracedStatement(tracing, this, statement, proxy, preparedSql));
    }

    boolean autoCommit() throws SQLException {
        return connection.getAutoCommit();
    }

    /** Starts watching this backend's locks while an auto-commit statement of a migration runs. */
    LockSampler.Run startSampling(Entry entry) {
        LockSampler sampler = tracing.sampler();
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
        long fingerprintLimitBytes = tracing.fingerprintLimitBytes();
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
            tracing.fingerprinted(taken);
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
        if (tracing.rewritten(oid, filenode)) {
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
