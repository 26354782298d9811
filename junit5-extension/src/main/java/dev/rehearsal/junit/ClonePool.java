package dev.rehearsal.junit;

import dev.rehearsal.api.ConfigurationException;
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
 * <p>Fillers ({@link Settings#fillers()} threads, one session each) make clones concurrently: PostgreSQL does not
 * serialize clones of one template (its lock on the template is shared), and a clone spends its time copying files
 * and waiting for checkpoints, so several in the making keep pace with tests that take clones faster than one filler
 * makes them. How many are kept ready or in the making follows the observed pace ({@link RefillTarget}), between the
 * minimum and the maximum. A dropper thread drops clones given back; the fillers help it when they have no clone to
 * make, and put making aside for it only when more wait than fit in {@link #GROWTH_BYTES}: a filler that drops makes
 * no clone, and making is what keeps tests from waiting. A test that finds none ready waits for the next one made,
 * first come first served. Thread-safe. {@link #close()} drops every clone it made.
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
    /**
     * How many given-back clones may wait for the dropper before the fillers drop them instead of making clones: as
     * many as fit in {@link #GROWTH_BYTES}, the maximum at least. Each one still holds its disk; but a filler that
     * drops makes no clone, and tests back to back give clones back faster than one dropper drops them.
     */
    private final int backlog;
    /** FILE_COPY (copy-on-write on PostgreSQL 18 with reflinks) where the server has it. */
    private final String strategy;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a clone becomes ready, one is taken or given back, or the pool closes. */
    private final Condition changed = lock.newCondition();
    private final Deque<String> ready = new ArrayDeque<>();
    private final Deque<String> used = new ArrayDeque<>();
    /** Tests waiting for a clone, served first come first served: none waits behind a luckier newcomer. */
    private final Deque<Waiter> waiters = new ArrayDeque<>();
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
            int fits = fits(connection);
            this.target = new RefillTarget(settings.minimum(), settings.maximum() == settings.minimum()
                    ? settings.maximum() : Math.max(settings.minimum(), Math.min(settings.maximum(), fits)));
            this.backlog = Math.max(target.maximum(), fits);
        } catch (SQLException e) {
            throw cannotClone(e);
        }
        cacheRelationsInTemplate();
        this.workers = Executors.newFixedThreadPool(settings.fillers() + 1, daemon("rehearsal-pool"));
        for (int i = 0; i < settings.fillers(); i++) {
            workers.execute(this::fill);
        }
        workers.execute(this::dropUsed);
    }

    String template() {
        return template;
    }

    /** The server the clones are on. */
    TestServer server() {
        return server;
    }

    /**
     * Connects to the template once, so that it holds a relation cache file ({@code pg_internal.init}) for its clones
     * to copy: the server deletes these files when it starts and when a schema changes, and without one every test's
     * first connection to its clone builds the cache again (a quarter of what a test back to back costs the server).
     * Before any filler starts: a clone cannot be made while the template has a session.
     */
    private void cacheRelationsInTemplate() {
        try {
            Sql.connect(server.database(template), "the migrated template").close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not connect to {}, so its clones build their relation cache themselves: {}", template,
                    describe(e));
        }
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
            // a clone is only ever ready while no test waits: a filler hands it to the first waiting test
            if (!ready.isEmpty()) {
                return ready.poll();
            }
            misses++;
            Waiter waiter = new Waiter();
            waiters.add(waiter);
            while (waiter.clone == null && !failing && !closed) {
                changed.awaitUninterruptibly();
            }
            waiters.remove(waiter);
            if (waiter.clone != null) {
                return waiter.clone;
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

    /**
     * A filler's life: makes clones while fewer than the target are ready or in the making, and drops given-back
     * ones when the dropper falls behind, until the pool closes.
     */
    private void fill() {
        try (Session session = new Session()) {
            for (Job job = nextFill(); job != null; job = nextFill()) {
                if (job.drop() != null) {
                    drop(session, job.drop());
                    continue;
                }
                long start = System.nanoTime();
                try {
                    String clone = create(session.get());
                    change(() -> {
                        making--;
                        target.cloned(System.nanoTime() - start);
                        if (closed) {
                            used.add(clone);
                        } else if (!waiters.isEmpty()) {
                            waiters.poll().clone = clone;
                        } else {
                            ready.add(clone);
                        }
                    });
                } catch (SQLException | RuntimeException e) {
                    session.discard();
                    change(() -> {
                        making--;
                        if (!failing) {
                            LOG.warn("Could not prepare a test database: {}", describe(e));
                        }
                        failing = true;
                    });
                }
            }
        }
    }

    /** A filler's next job (a clone to make is counted as in the making); null once the pool is closed. */
    private Job nextFill() {
        lock.lock();
        try {
            while (!closed) {
                boolean toMake = !failing && ready.size() + making < target.target(System.nanoTime());
                switch (Work.next(used.size(), backlog, toMake)) {
                    case DROP:
                        return new Job(used.poll());
                    case MAKE:
                        making++;
                        peak = Math.max(peak, ready.size() + making);
                        return Job.MAKE;
                    default:
                        break;
                }
                // wake now and then: the target falls as time passes without a test taking a clone
                changed.await(1, TimeUnit.SECONDS);
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The dropper's life: drops clones given back, and after close the rest, until none is left or in the making. */
    private void dropUsed() {
        try (Session session = new Session()) {
            for (String clone = nextDrop(); clone != null; clone = nextDrop()) {
                drop(session, clone);
            }
        }
    }

    private String nextDrop() {
        lock.lock();
        try {
            while (used.isEmpty()) {
                if (closed && making == 0) {
                    return null;
                }
                changed.awaitUninterruptibly();
            }
            return used.poll();
        } finally {
            lock.unlock();
        }
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
        try (Session session = new Session()) {
            return create(session.get());
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

    private static void drop(Session session, String clone) {
        try {
            drop(session.get(), clone);
        } catch (SQLException | RuntimeException e) {
            session.discard();
            LOG.warn("Could not drop test database {}: {}", clone, describe(e));
        }
    }

    private static void drop(Connection session, String clone) throws SQLException {
        Sql.execute(session, "DROP DATABASE IF EXISTS %I WITH (FORCE)", clone);
    }

    private static String describe(Exception e) {
        return e instanceof SQLException sql ? Sql.describe(sql) : e.getMessage();
    }

    /** Drops the clones still ready or given back, after the ones in the making, and waits for every drop. */
    @Override
    public void close() {
        change(() -> {
            closed = true;
            used.addAll(ready);
            ready.clear();
        });
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

    /** How many clones of the template fit in {@link #GROWTH_BYTES} (a big template: fewer). */
    private int fits(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_database_size(?)")) {
            statement.setString(1, template);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return (int) Math.min(Integer.MAX_VALUE, GROWTH_BYTES / Math.max(1, rows.getLong(1)));
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

    /** A test waiting for a clone; a filler hands it one. */
    private static final class Waiter {
        private String clone;
    }

    /** What a filler does next. */
    enum Work {
        MAKE, DROP, WAIT;

        /**
         * Making comes first, since a test waits only for a clone not made; dropping, which only frees disk, comes
         * first only when more given-back clones wait than {@code backlog}; with nothing to make, a filler helps the
         * dropper.
         *
         * @param used   given-back clones waiting to be dropped (the dropper is busy with another while any wait)
         * @param toMake whether fewer clones are ready or in the making than the target
         */
        static Work next(int used, int backlog, boolean toMake) {
            if (used > backlog) {
                return DROP;
            }
            if (toMake) {
                return MAKE;
            }
            return used > 0 ? DROP : WAIT;
        }
    }

    /** A filler's next job: make a clone ({@link #MAKE}) or drop {@code drop}. */
    private record Job(String drop) {
        static final Job MAKE = new Job(null);
    }

    /**
     * A worker's session on the server, opened on first use and again after a failure: opening one costs more than a
     * small clone's copy, so each worker keeps its own.
     */
    private final class Session implements AutoCloseable {
        private Connection connection;

        Connection get() throws SQLException {
            if (connection == null || connection.isClosed()) {
                connection = Sql.connect(server.maintenance(), "the test server");
                if (Sql.serverVersion(connection) >= 180000) {
                    // a reflink where the file system has them, else the kernel's copy_file_range: never slower
                    Sql.execute(connection, "SET file_copy_method = clone");
                }
            }
            return connection;
        }

        void discard() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // broken anyway
                }
                connection = null;
            }
        }

        @Override
        public void close() {
            discard();
        }
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
         * minimum), the fillers from {@value #FILLERS_PROPERTY} (default: the cores, at least 2, at most 8: clones
         * made at once wait on each other's checkpoints and barriers, and beyond the cores they made fewer a second,
         * not more, on XFS with reflinks; see BENCHMARKS.md).
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
