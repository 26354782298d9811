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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

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
 *
 * <p>It keeps what its connections share: the record of statements, the migration running, the files of the known
 * relations and the fingerprints. Each connection is a {@link TracedConnection}, which reads the evidence in its own
 * session; each statement a {@link TracedStatement}, which times and records it.
 */
final class TracingDataSource extends ForwardingDataSource implements MigrationObserver, AutoCloseable {
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

    /** Records a statement about to be sent, numbered in execution order across this data source's connections. */
    Entry begin(String sql, boolean inTransaction) {
        synchronized (entries) {
            Entry entry = new Entry(entries.size() + 1, currentMigration, sql, inTransaction);
            entries.add(entry);
            return entry;
        }
    }

    /** The relations that existed before the migrations; null when only statements are recorded. */
    KnownRelations known() {
        return known;
    }

    /** Watches auto-commit statements' locks from a session of its own; null without {@link KnownRelations}. */
    LockSampler sampler() {
        return sampler;
    }

    StatementGuard guard() {
        return guard;
    }

    long fingerprintLimitBytes() {
        return fingerprintLimitBytes;
    }

    /** Keeps what a connection fingerprinted before a drop, for {@link #fingerprints()}. */
    void fingerprinted(List<ContentFingerprint> taken) {
        fingerprints.addAll(taken);
    }

    /**
     * Whether the relation's file changed since a connection last saw it, that is, whether it was rewritten; notes the
     * new file. Kept here, not per connection, so that a rewrite counts once, for the statement that made it.
     */
    boolean rewritten(long oid, long filenode) {
        Long before = filenodes.get(oid);
        if (before != null && filenode != 0 && before != filenode) {
            filenodes.put(oid, filenode);
            return true;
        }
        return false;
    }

    @Override
    protected Connection wrap(Connection connection) {
        return TracedConnection.wrap(connection, this);
    }

    /** A statement being or having been recorded; lock hold times are settled when its transaction ends. */
    static final class Entry {
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
    static final class HeldLock {
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
