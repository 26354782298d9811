package dev.rehearsal.internal.pipeline;

import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a run's branch marked alive: calls {@link Branch#heartbeat()} every
 * {@link BranchMetadata#HEARTBEAT_INTERVAL} on a daemon thread of its own, from when the branch is made until it is
 * {@linkplain #close() stopped} — before the branch is kept or dropped, so that no beat races with either. A failed
 * beat is logged (a warning the first time: reaping may then take the branch for an orphan) and the next one tried.
 * Not API.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService executor;
    private final Branch branch;
    private boolean warned;

    private Heartbeat(Branch branch) {
        this.branch = branch;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "rehearsal-heartbeat-" + branch.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts beating for {@code branch}. */
    public static Heartbeat start(Branch branch) {
        Heartbeat heartbeat = new Heartbeat(branch);
        long interval = BranchMetadata.HEARTBEAT_INTERVAL.toMillis();
        heartbeat.executor.scheduleWithFixedDelay(heartbeat::beat, interval, interval, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    private void beat() {
        try {
            branch.heartbeat();
        } catch (RuntimeException e) {
            if (!warned) {
                LOG.warn("Could not record that the run of branch {} is alive ({}); if this goes on, another "
                        + "runner may take the branch for an orphan", branch.name(), e.getMessage());
                warned = true;
            } else {
                LOG.debug("Heartbeat of branch {} failed", branch.name(), e);
            }
        }
    }

    /** Stops beating; returns when no beat is in progress any more (or after 10 s). */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
