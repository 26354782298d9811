package dev.rehearsal.server.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Neon's operations, as the branch server runs them: the work on a branch that takes seconds (copying, resetting,
 * deleting) runs on a worker thread, at most one operation a branch at a time, and is {@code scheduling}, then
 * {@code running}, then {@code finished} or {@code failed} (its error text kept). The last
 * {@value #REMEMBERED} operations are remembered for clients that poll them. Thread-safe.
 */
final class BranchOperations implements AutoCloseable {
    /** How many operations are remembered for polling; the oldest ended ones are forgotten first. */
    static final int REMEMBERED = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(BranchOperations.class);

    private final ExecutorService workers;
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    /** The operation in progress on each branch that has one. */
    private final Map<String, Operation> inProgress = new HashMap<>();

    /** One operation on one branch. */
    static final class Operation {
        private final String id = UUID.randomUUID().toString();
        private final String branchId;
        private final String action;
        private final Instant createdAt = Instant.now();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile String status = "scheduling";
        private volatile String error;
        private volatile Instant updatedAt = createdAt;

        private Operation(String branchId, String action) {
            this.branchId = branchId;
            this.action = action;
        }

        String id() {
            return id;
        }

        String action() {
            return action;
        }

        String status() {
            return status;
        }

        /**
         * Waits until the operation has ended or {@code patience} has passed, whichever comes first: a fast
         * operation is answered {@code finished}, a slow one {@code running}.
         */
        void awaitAtMost(Duration patience) {
            try {
                done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // answered as running: the client polls
            } catch (ExecutionException e) {
                // never: the future is only completed normally
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Neon's JSON of an operation of project {@code projectId}. */
        Map<String, Object> json(String projectId) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("project_id", projectId);
            json.put("branch_id", branchId);
            json.put("action", action);
            json.put("status", status);
            String failure = error;
            if (failure != null) {
                json.put("error", failure);
            }
            json.put("failures_count", failure == null ? 0 : 1);
            Instant updated = updatedAt;
            json.put("created_at", NeonCompatibleApi.time(createdAt));
            json.put("updated_at", NeonCompatibleApi.time(updated));
            json.put("total_duration_ms", Duration.between(createdAt, updated).toMillis());
            return json;
        }
    }

    /** Operations run on {@code workers} threads. */
    BranchOperations(int workers) {
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "rehearsal-branch-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The operation in progress on branch {@code branchId}, if there is one. */
    synchronized Optional<Operation> inProgress(String branchId) {
        return Optional.ofNullable(inProgress.get(branchId));
    }

    /** How many operations are in progress. */
    synchronized int inProgress() {
        return inProgress.size();
    }

    /** The operation {@code id}, if it is remembered. */
    synchronized Optional<Operation> get(String id) {
        return Optional.ofNullable(operations.get(id));
    }

    /**
     * Starts {@code work} on a worker as operation {@code action} (Neon's name, e.g. {@code create_branch}) of branch
     * {@code branchId}, which has it until it ends: a failure of the work fails the operation.
     *
     * @throws IllegalStateException when the branch has an operation in progress
     */
    synchronized Operation start(String branchId, String action, Runnable work) {
        if (inProgress.containsKey(branchId)) {
            throw new IllegalStateException("branch " + branchId + " has an operation in progress");
        }
        Operation operation = new Operation(branchId, action);
        operations.put(operation.id, operation);
        forgetOld();
        inProgress.put(branchId, operation);
        try {
            workers.execute(() -> {
                operation.status = "running";
                operation.updatedAt = Instant.now();
                RuntimeException failure = null;
                try {
                    work.run();
                } catch (RuntimeException e) {
                    failure = e;
                    LOG.warn("Operation {} of branch {} failed", action, branchId, e);
                }
                end(operation, failure);
            });
        } catch (RejectedExecutionException e) {
            end(operation, new IllegalStateException("the branch server is stopping"));
        }
        return operation;
    }

    /** Frees the branch first, so that a client that sees the operation ended may go on at once. */
    private void end(Operation operation, RuntimeException failure) {
        synchronized (this) {
            inProgress.remove(operation.branchId, operation);
        }
        if (failure != null) {
            operation.error = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        }
        operation.updatedAt = Instant.now();
        operation.status = failure == null ? "finished" : "failed";
        operation.done.complete(null);
    }

    private void forgetOld() {
        Iterator<Operation> oldestFirst = operations.values().iterator();
        while (operations.size() > REMEMBERED && oldestFirst.hasNext()) {
            if (oldestFirst.next().done.isDone()) {
                oldestFirst.remove();
            }
        }
    }

    /** Starts no more operations and waits (up to a minute) for those in progress to end. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                synchronized (this) {
                    LOG.warn("Branch operations still in progress after a minute: {}", inProgress.values().stream()
                            .map(o -> o.action + " of " + o.branchId).toList());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
