package dev.rehearsal.junit;

import dev.rehearsal.ConfigurationException;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm pool of clones of the migrated template ({@code CREATE DATABASE ... TEMPLATE ... STRATEGY FILE_COPY},
 * copy-on-write on PostgreSQL 18 where the file system has reflinks), so that a test takes one without waiting.
 *
 * <p>Worker threads ({@link Settings#fillers()}, one session each) make clones concurrently: PostgreSQL does not
 * serialize clones of one template (its lock on the template is shared), and one clone mostly waits on file copies
 * and checkpoints, so several in the making keep pace with tests that take clones faster than one worker makes them.
 * How many are kept ready or in the making follows the observed rate ({@link RefillTarget}), between the minimum and
 * the maximum. Used clones are dropped when no clone is wanted — a drop costs the server as much as half a clone, and
 * while tests are waiting, clones come first — unless as many wait to be dropped as the pool may hold. A test that
 * finds none ready waits for the first one a worker finishes. Thread-safe. {@link #close()} drops every clone it made.
 */
final class ClonePool implements AutoCloseable {
    static final String PREFIX = "rehearsal_test_";
    static final String MAXIMUM_PROPERTY = "rehearsal.test.pool.maximum";
    static final String FILLERS_PROPERTY = "rehearsal.test.pool.fillers";
    /** The pool grows beyond its minimum only while its clones take at most this much (a big template: fewer). */
    static final long GROWTH_BYTES = 2L << 30;
    private static final Logger LOG = LoggerFactory.getLogger(ClonePool.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final TestServer server;
    private final String template;
    private final String namePrefix;
    private final AtomicInteger counter = new AtomicInteger();
    private final ExecutorService workers;
    private final RefillTarget target;
    /** FILE_COPY (copy-on-write on PostgreSQL 18 with reflinks) where the server has it. */
    private final String strategy;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a clone becomes ready, one is taken or given back, or the pool closes. */
    private final Condition changed = lock.newCondition();
    private final Deque<String> ready = new ArrayDeque<>();
    private final Deque<String> used = new ArrayDeque<>();
    private int making;
    private int misses;
    private int peak;
    /** The last clone a worker tried failed: workers wait until a test's own attempt succeeds. */
    private boolean failing;
    private boolean closed;

    /** A pool with at least {@code minimum} clones ready, the rest of its settings from system properties. */
    ClonePool(TestServer server, String template, int minimum) {
        this(server, template, Settings.of(minimum));
    }

    ClonePool(TestServer server, String template, Settings settings) {
        this.server = server;
        this.template = template;
        this.namePrefix = PREFIX + ProcessHandle.current().pid() + "_" + POOLS.incrementAndGet() + "_";
        try (Connection connection = Sql.connect(server.maintenance(), "the test server")) {
            this.strategy = Sql.serverVersion(connection) >= 150000 ? " STRATEGY FILE_COPY" : "";
            this.target = new RefillTarget(settings.minimum(), maximum(connection, settings));
        } catch (SQLException e) {
            throw cannotClone(e);
        }
        this.workers = Executors.newFixedThreadPool(settings.fillers(), daemon("rehearsal-pool"));
        for (int i = 0; i < settings.fillers(); i++) {
            workers.execute(this::work);
        }
    }

    String template() {
        return template;
    }

    /** A fresh clone: one ready, else the first a worker finishes, else (workers failing) one made now. */
    String acquire() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("The test database pool is closed");
            }
            target.acquired(System.nanoTime());
            changed.signalAll();
            if (ready.isEmpty()) {
                misses++;
            }
            while (ready.isEmpty() && !failing && !closed) {
                changed.awaitUninterruptibly();
            }
            if (!ready.isEmpty()) {
                return ready.poll();
            }
            if (closed) {
                throw new IllegalStateException("The test database pool is closed");
            }
        } finally {
            lock.unlock();
        }
        // the workers' last attempt failed: this test's own attempt either works (and the workers resume) or says why
        String clone = createOnce();
        change(() -> failing = false);
        return clone;
    }

    /** Gives a used clone back: a worker drops it. */
    void release(String clone) {
        change(() -> used.add(clone));
    }

    /** How the pool has served so far. */
    Usage usage() {
        lock.lock();
        try {
            return new Usage(misses, peak);
        } finally {
            lock.unlock();
        }
    }

    /** A worker's life: one session, making and dropping clones until the pool is closed and nothing is left. */
    private void work() {
        Connection session = null;
        try {
            for (Task task = next(); task != null; task = next()) {
                try {
                    if (session == null || session.isClosed()) {
                        session = openSession();
                    }
                    if (task.drop() == null) {
                        make(session);
                    } else {
                        drop(session, task.drop());
                    }
                } catch (SQLException | RuntimeException e) {
                    if (task.drop() == null) {
                        madeNone(e);
                    } else {
                        LOG.warn("Could not drop test database {}: {}", task.drop(), describe(e));
                    }
                    session = close(session);
                }
            }
        } finally {
            close(session);
        }
    }

    /** What a worker does next: make a clone while fewer than the target are ready or in the making, else drop one. */
    private Task next() {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    if (!ready.isEmpty()) {
                        used.addAll(ready);
                        ready.clear();
                    }
                    return used.isEmpty() ? null : new Task(used.poll());
                }
                boolean backlog = used.size() >= target.maximum();
                if (!failing && !backlog && ready.size() + making < target.target(System.nanoTime())) {
                    making++;
                    peak = Math.max(peak, ready.size() + making);
                    return new Task(null);
                }
                if (!used.isEmpty()) {
                    return new Task(used.poll());
                }
                // wake now and then: the target falls as time passes without a test taking a clone
                changed.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void make(Connection session) {
        long start = System.nanoTime();
        String clone = create(session);
        change(() -> {
            making--;
            target.cloned(System.nanoTime() - start);
            (closed ? used : ready).add(clone);
        });
    }

    private void madeNone(Exception e) {
        change(() -> {
            making--;
            if (!failing) {
                LOG.warn("Could not prepare a test database: {}", describe(e));
            }
            failing = true;
        });
    }

    /** Changes the pool's state under its lock and wakes whoever waits for a change. */
    private void change(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private String createOnce() {
        try (Connection session = openSession()) {
            return create(session);
        } catch (SQLException e) {
            throw cannotClone(e);
        }
    }

    private String create(Connection session) {
        String clone = namePrefix + counter.incrementAndGet();
        try {
            Sql.execute(session, "CREATE DATABASE %I TEMPLATE %I" + strategy, clone, template);
            return clone;
        } catch (SQLException e) {
            throw cannotClone(e);
        }
    }

    private IllegalStateException cannotClone(SQLException e) {
        return new IllegalStateException("Cannot clone the migrated template " + template + ": " + Sql.describe(e), e);
    }

    private static void drop(Connection session, String clone) throws SQLException {
        Sql.execute(session, "DROP DATABASE IF EXISTS %I WITH (FORCE)", clone);
    }

    /** A session of the pool's own: opening one costs more than a small clone's copy, so each worker keeps one. */
    private Connection openSession() throws SQLException {
        Connection session = Sql.connect(server.maintenance(), "the test server");
        if (Sql.serverVersion(session) >= 180000) {
            // a reflink where the file system has them, else the kernel's copy_file_range: never slower than a copy
            Sql.execute(session, "SET file_copy_method = clone");
        }
        return session;
    }

    private static Connection close(Connection session) {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                // broken anyway
            }
        }
        return null;
    }

    private static String describe(Exception e) {
        return e instanceof SQLException sql ? Sql.describe(sql) : e.getMessage();
    }

    /** Drops the clones still ready or given back, after the ones in the making, and waits for every drop. */
    @Override
    public void close() {
        change(() -> closed = true);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("The pool of {} did not finish dropping its test databases within a minute", template);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Usage usage = usage();
        LOG.debug("Closed the pool of {} ({} wait(s) for a clone, at most {} ready or in the making)", template,
                usage.misses(), usage.peak());
    }

    /**
     * Drops clones that JVMs gone before left on the embedded server (which no one else uses). On an external
     * server nothing is dropped but this JVM's: other machines may be running tests there.
     */
    static void dropLeftovers(TestServer server) {
        if (!server.isEmbedded()) {
            return;
        }
        try (Connection connection = Sql.connect(server.maintenance(), "the test server");
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT datname FROM pg_database WHERE starts_with(datname, ?)")) {
            statement.setString(1, PREFIX);
            List<String> leftovers = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    leftovers.add(rows.getString(1));
                }
            }
            for (String leftover : leftovers) {
                if (!leftover.startsWith(PREFIX + ProcessHandle.current().pid() + "_")) {
                    drop(connection, leftover);
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not look for test databases left by earlier runs: {}", Sql.describe(e));
        }
    }

    /** The settings' maximum, lowered for a big template so that growth beyond the minimum stays in bounds. */
    private int maximum(Connection connection, Settings settings) throws SQLException {
        if (settings.maximum() == settings.minimum()) {
            return settings.maximum();
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_database_size(?)")) {
            statement.setString(1, template);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                long fits = GROWTH_BYTES / Math.max(1, rows.getLong(1));
                return (int) Math.max(settings.minimum(), Math.min(settings.maximum(), fits));
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * How the pool has served.
     *
     * @param misses how many times a test found no clone ready and waited for one
     * @param peak the most clones that were ready or in the making at once
     */
    record Usage(int misses, int peak) {
    }

    /** A worker's next job: make a clone ({@code drop} null) or drop that one. */
    private record Task(String drop) {
    }

    /**
     * How big the pool may be and how many clones are made at once.
     *
     * @param minimum clones kept ready at least
     * @param maximum clones ready or in the making at most, however fast tests take them
     * @param fillers clones made at once (worker threads, each with a session on the server)
     */
    record Settings(int minimum, int maximum, int fillers) {
        static final int DEFAULT_MAXIMUM = 32;

        Settings {
            if (minimum < 1 || maximum < minimum || fillers < 1) {
                throw new ConfigurationException("The test database pool needs 1 <= minimum <= maximum and at least "
                        + "one filler, not minimum " + minimum + ", maximum " + maximum + ", fillers " + fillers
                        + ": check -D" + MAXIMUM_PROPERTY + " and -D" + FILLERS_PROPERTY);
            }
        }

        /**
         * At least {@code minimum} ready; the maximum from {@value #MAXIMUM_PROPERTY} (default 32, never below the
         * minimum), the fillers from {@value #FILLERS_PROPERTY} (default: the cores, at least 2, at most 8).
         */
        static Settings of(int minimum) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Settings(minimum, Math.max(minimum, integer(MAXIMUM_PROPERTY, DEFAULT_MAXIMUM)),
                    integer(FILLERS_PROPERTY, Math.max(2, Math.min(8, cores))));
        }

        private static int integer(String property, int otherwise) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                return otherwise;
            }
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new ConfigurationException("-D" + property + "=" + value + " is not a number: give a whole "
                        + "number such as " + otherwise);
            }
        }
    }
}
