package dev.rehearsal.branch.copy;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A branch that is a database of its own on a server, made by {@link TemplateBranchProvider} or
 * {@link SnapshotCopyBranchProvider}; dropped on close unless kept.
 *
 * <p>Its metadata is written whole ({@code COMMENT ON DATABASE}) by {@link #keepUntil} and by {@link #heartbeat}, which
 * run on different threads: both hold this branch's monitor and write the current metadata, so that neither undoes
 * the other (a heartbeat must not make a kept branch look unkept), and a heartbeat after keeping or closing writes
 * nothing.
 */
final class DatabaseBranch implements Branch {
    private final String name;
    private final DatabaseLocation location;
    private final DatabaseLocation maintenance;
    private final String copyMethod;
    private final long creationMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile BranchMetadata metadata;
    private volatile boolean kept;

    DatabaseBranch(String name, DatabaseLocation location, DatabaseLocation maintenance, BranchMetadata metadata,
                   String copyMethod, long creationMillis) {
        this.name = name;
        this.location = location;
        this.maintenance = maintenance;
        this.metadata = metadata;
        this.copyMethod = copyMethod;
        this.creationMillis = creationMillis;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DatabaseLocation location() {
        return location;
    }

    @Override
    public BranchMetadata metadata() {
        return metadata;
    }

    @Override
    public String copyMethod() {
        return copyMethod;
    }

    @Override
    public long creationMillis() {
        return creationMillis;
    }

    @Override
    public synchronized void keepUntil(Instant expires) {
        BranchMetadata updated = metadata.keptUntil(expires);
        BranchDatabases.comment(maintenance, name, updated);
        metadata = updated;
        kept = true;
    }

    @Override
    public synchronized void heartbeat() {
        if (metadata.runner() != null && !kept && !closed.get()) {
            metadata = BranchDatabases.heartbeat(maintenance, name, metadata);
        }
    }

    @Override
    public boolean isKept() {
        return kept;
    }

    @Override
    public void close() {
        if (!kept && closed.compareAndSet(false, true)) {
            BranchDatabases.drop(maintenance, name);
        }
    }

    @Override
    public String toString() {
        return "branch " + name + " of " + metadata.parent();
    }
}
