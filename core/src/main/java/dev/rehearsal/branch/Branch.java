package dev.rehearsal.branch;

import dev.rehearsal.api.DatabaseLocation;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * A connectable copy of a parent database. Closing a branch discards it, unless {@link #keepUntil(Instant) kept}.
 *
 * <pre>{@code
 * try (Branch branch = provider.create(request)) {
 *     engine.apply(branch.dataSource(), plan, observer);
 * } // dropped here
 * }</pre>
 */
public interface Branch extends AutoCloseable {
    /** The branch's database name. */
    String name();

    /** How to connect to it (same credentials as the parent). */
    DatabaseLocation location();

    /** An unpooled DataSource for the branch; Rehearsal's sessions are named {@code rehearsal}. */
    default DataSource dataSource() {
        return location().dataSource("rehearsal");
    }

    BranchMetadata metadata();

    /** How the copy was made, e.g. {@code "FILE_COPY (file_copy_method=clone)"}. */
    String copyMethod();

    /** How long creating it took, in milliseconds. */
    long creationMillis();

    /**
     * True when the branch has a server of its own, whose roles, databases, configuration and sessions belong to
     * the branch alone (a Neon branch). False — the default — when it shares them with the parent or with other
     * branches (a database on the parent's server, or on one destination server for many branches): then
     * Rehearsal runs no statement there that acts beyond the branch database.
     */
    default boolean hasOwnServer() {
        return false;
    }

    /**
     * Keeps the branch when it is closed, for debugging; it may be reaped after {@code expires}.
     * Updates the branch's recorded expiry.
     */
    void keepUntil(Instant expires);

    /** True when {@link #close()} will leave the branch in place. */
    boolean isKept();

    /**
     * Records that the run using the branch is alive (its {@link BranchMetadata#lastSeen()}), so that reaping spares
     * the branch. A run calls it every {@link BranchMetadata#HEARTBEAT_INTERVAL}, from another thread than the one
     * that uses the branch; it does nothing for a branch without a runner, or kept, or closed. Providers whose
     * reaping tells live branches otherwise (Neon: by their compute's activity) keep this default, which does
     * nothing.
     *
     * @throws dev.rehearsal.api.BranchException when the heartbeat could not be recorded
     */
    default void heartbeat() {
    }

    /** Discards the branch unless it is kept. Safe to call more than once. */
    @Override
    void close();
}
