package dev.rehearsal.junit;

import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension's pool as it was before it followed the pace of the tests (0.1.0 up to commit 7055e78), kept
 * unchanged but for its name so that {@link AcquireLatency} measures the two side by side in one run: a fixed number
 * of clones topped up by two background threads after each acquisition, used ones dropped at once by a third, and a
 * test that finds none ready makes one itself.
 */
final class FormerClonePool implements AutoCloseable {
    static final String PREFIX = "rehearsal_former_";
    private static final Logger LOG = LoggerFactory.getLogger(FormerClonePool.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final TestServer server;
    private final String template;
    private final int size;
    private final String namePrefix;
    private final LinkedBlockingQueue<String> ready = new LinkedBlockingQueue<>();
    private final AtomicInteger filling = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger misses = new AtomicInteger();
    private final ExecutorService filler;
    private final ExecutorService dropper;
    /** Each filler and dropper thread keeps one session: opening one costs more than a small clone's copy. */
    private final ThreadLocal<Connection> session = new ThreadLocal<>();
    private final List<Connection> sessions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String strategy;
    private volatile boolean closed;

    FormerClonePool(TestServer server, String template, int size) {
        this.server = server;
        this.template = template;
        this.size = size;
        this.namePrefix = PREFIX + ProcessHandle.current().pid() + "_" + POOLS.incrementAndGet() + "_";
        this.filler = Executors.newFixedThreadPool(2, daemon("rehearsal-pool-fill"));
        this.dropper = Executors.newSingleThreadExecutor(daemon("rehearsal-pool-drop"));
        refill();
    }

    String template() {
        return template;
    }

    /** A fresh clone, from the pool when one is ready, else made now. */
    String acquire() {
        if (closed) {
            throw new IllegalStateException("The test database pool is closed");
        }
        String clone = ready.poll();
        if (clone == null) {
            misses.incrementAndGet();
            clone = create();
        }
        refill();
        return clone;
    }

    /** Gives a used clone back: it is dropped in the background. */
    void release(String clone) {
        dropper.execute(() -> drop(clone));
    }

    /** How many times a test had to wait for a clone to be made. */
    int misses() {
        return misses.get();
    }

    private void refill() {
        while (!closed && ready.size() + filling.get() < size) {
            filling.incrementAndGet();
            try {
                filler.execute(() -> {
                    try {
                        if (!closed) {
                            ready.add(create());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("Could not prepare a test database: {}", e.getMessage());
                    } finally {
                        filling.decrementAndGet();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                filling.decrementAndGet();
                return;
            }
        }
    }

    private String create() {
        String clone = namePrefix + counter.incrementAndGet();
        try {
            Connection connection = session();
            Sql.execute(connection, "CREATE DATABASE %I TEMPLATE %I" + strategy(connection), clone, template);
            return clone;
        } catch (SQLException e) {
            discardSession();
            throw new IllegalStateException("Cannot clone the migrated template " + template + ": "
                    + Sql.describe(e), e);
        }
    }

    /** FILE_COPY (copy-on-write on PostgreSQL 18 with reflinks) where the server has it. */
    private String strategy(Connection connection) throws SQLException {
        if (strategy == null) {
            int version = Sql.serverVersion(connection);
            strategy = version >= 150000 ? " STRATEGY FILE_COPY" : "";
        }
        return strategy;
    }

    private void drop(String clone) {
        try {
            Sql.execute(session(), "DROP DATABASE IF EXISTS %I WITH (FORCE)", clone);
        } catch (SQLException | RuntimeException e) {
            discardSession();
            LOG.warn("Could not drop test database {}: {}", clone, e.getMessage());
        }
    }

    private Connection session() throws SQLException {
        Connection connection = session.get();
        if (connection == null || connection.isClosed()) {
            connection = Sql.connect(server.maintenance(), "the test server");
            if (Sql.serverVersion(connection) >= 180000) {
                Sql.execute(connection, "SET file_copy_method = clone");
            }
            session.set(connection);
            sessions.add(connection);
        }
        return connection;
    }

    private void discardSession() {
        Connection connection = session.get();
        session.remove();
        if (connection != null) {
            sessions.remove(connection);
            try {
                connection.close();
            } catch (SQLException e) {
                // broken anyway
            }
        }
    }

    /** Drops the clones still ready and waits for every drop to finish. */
    @Override
    public void close() {
        closed = true;
        filler.shutdown();
        try {
            filler.awaitTermination(1, TimeUnit.MINUTES);
            List<String> left = new ArrayList<>();
            ready.drainTo(left);
            left.forEach(this::release);
            dropper.shutdown();
            dropper.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection connection : sessions) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        sessions.clear();
        LOG.debug("Closed the pool of {} ({} wait(s) for a clone)", template, misses.get());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
