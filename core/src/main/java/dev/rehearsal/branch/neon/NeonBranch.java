package dev.rehearsal.branch.neon;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** A Neon branch made by {@link NeonBranchProvider} for a run; deleted through the API on close unless kept. */
final class NeonBranch implements Branch {
    private final NeonBranchProvider provider;
    private final String id;
    private final DatabaseLocation location;
    private final long creationMillis;
    private final String copyMethod;
    private final boolean ownServer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String name;
    private volatile BranchMetadata metadata;
    private volatile boolean kept;

    NeonBranch(NeonBranchProvider provider, String id, String name, DatabaseLocation location,
               BranchMetadata metadata, long creationMillis, String copyMethod, boolean ownServer) {
        this.copyMethod = copyMethod;
        this.ownServer = ownServer;
        this.provider = provider;
        this.id = id;
        this.name = name;
        this.location = location;
        this.metadata = metadata;
        this.creationMillis = creationMillis;
    }

    /** Neon's id of the branch, {@code br-...}. */
    String id() {
        return id;
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

    /**
     * A Neon branch has its compute, roles and databases to itself, as has a branch server's in physical mode; a
     * branch server's in logical mode is a database beside others on one server (it says so in the branch's
     * {@code rehearsal.own_server}).
     */
    @Override
    public boolean hasOwnServer() {
        return ownServer;
    }

    @Override
    public long creationMillis() {
        return creationMillis;
    }

    /** Renames the branch to the kept form (so that reaping spares it) and moves its {@code expires_at}. */
    @Override
    public void keepUntil(Instant expires) {
        name = provider.keep(id, name, expires);
        metadata = metadata.keptUntil(expires);
        kept = true;
    }

    @Override
    public boolean isKept() {
        return kept;
    }

    @Override
    public void close() {
        if (!kept && closed.compareAndSet(false, true)) {
            provider.delete(id, name);
        }
    }

    @Override
    public String toString() {
        return "Neon branch " + name + " (" + id + ") of " + metadata.parent();
    }
}
