package dev.rehearsal.server.internal;

import dev.rehearsal.server.MirrorStatus;
import java.util.List;

/**
 * Where a branch server keeps its mirror of the source and makes its branches: a physical standby cloned file by
 * file ({@link PhysicalStore}), or a refreshed logical mirror cloned as a template database ({@link LogicalStore}).
 * The server's API, its records of branches and their expiry sit above; a store only copies, starts and deletes.
 *
 * <p>A store may be stopped at any moment (kill -9 of the server): {@link #start} then finds what the last run left
 * and puts it right before anything else happens.
 */
public interface BranchStore extends AutoCloseable {
    /**
     * Brings the mirror up (making it the first time) and reaps what a killed server left behind: every copy and
     * every postmaster of a copy that is not among {@code recorded}, their ports and directories. Returns the recorded
     * branches that are alive again (their postmasters running); a recorded branch whose copy is gone is left out.
     */
    List<StoredBranch> start(List<StoredBranch> recorded);

    /** A new branch {@code id}: a consistent copy of the mirror as it is now, started and ready for connections. */
    StoredBranch create(String id);

    /** Branch Reset: a fresh copy of the mirror as it is now in place of {@code branch}, same name, same port. */
    StoredBranch reset(StoredBranch branch);

    /** Stops the branch's postmaster (or its sessions) and deletes its copy; a branch already gone is no error. */
    void delete(StoredBranch branch);

    /**
     * Whether anyone but the server has a session on the branch (its compute is {@code active} in the API, else
     * {@code idle}): a branch in use is never reaped as an orphan.
     */
    boolean inUse(StoredBranch branch);

    /**
     * Whether each branch is a PostgreSQL server of its own (physical clones), or a database beside others on one
     * server (the logical mirror's template clones), where statements on roles or settings of the server would reach
     * the other branches: clients learn it from the branch's {@code rehearsal.own_server}.
     */
    boolean ownServerPerBranch();

    /** How branches are copied, for the status and for runs' outcomes, e.g. {@code "reflink clone (XFS)"}. */
    String copyMethod();

    /** The mirror's state: its lag or age, the source's retained WAL, the disk. */
    MirrorStatus status();

    /**
     * Stops everything this store started (the mirror's postmaster, the branches' postmasters), keeping the files:
     * the next {@link #start} carries on.
     */
    @Override
    void close();

    /**
     * Removes the mirror for good: stops everything, deletes every copy and the mirror, and gives back what the
     * source holds for it (the replication slot).
     */
    void remove();
}
