package dev.rehearsal.branch;

import dev.rehearsal.api.DatabaseLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes branches: connectable copies of a parent database, data included.
 *
 * <p>Implementations must leave the parent untouched, give every branch a recognisable name and its
 * {@link BranchMetadata}, and never drop or change a database they did not create.
 */
public interface BranchProvider {
    /** A short name for reports, e.g. {@code "template"}. */
    String name();

    /**
     * Creates a branch of {@code request.parent()}.
     *
     * @throws dev.rehearsal.api.BranchException when the branch cannot be made; nothing is left behind
     */
    Branch create(BranchRequest request);

    /**
     * Checks, before any run, that this provider can branch {@code target} as configured.
     *
     * @throws dev.rehearsal.api.ConfigurationException naming the problem and the fix
     */
    default void validate(DatabaseLocation target) {
    }

    /**
     * Drops what this provider left behind on {@code target}'s server: branches past their expiry, and branches of
     * {@code target} made by a runner ({@code purpose "rehearsal"}, not kept) — the caller holds the target's runner
     * turn, so no runner of it should be alive to own them. Never touches a database the provider did not create,
     * nor a branch that is in use or whose run is alive (a run that lost its turn lives on until it notices): one
     * with sessions, or whose heartbeat ({@link BranchMetadata#lastSeen()}) is fresh, whatever its expiry says.
     *
     * @return the names of the databases dropped
     */
    default List<String> reapOrphans(DatabaseLocation target, Instant now) {
        return List.of();
    }

    // Branch management: branches for people (one per developer, a branch per CI job), independent of rehearsals.
    // A provider that does not manage branches keeps these defaults, which refuse.

    /**
     * Makes a branch named {@code name} (see {@link BranchNames}) of {@code parent}, purpose {@code "developer"},
     * that lives until it expires or is deleted. Fails if a database or branch of that name exists.
     */
    default BranchInfo createBranch(DatabaseLocation parent, String name, Duration expiresAfter) {
        throw unsupported("create named branches");
    }

    /** The branches of {@code parent} this provider made (any purpose), by name. */
    default List<BranchInfo> listBranches(DatabaseLocation parent) {
        throw unsupported("list branches");
    }

    /**
     * Branch Reset: replaces the branch's content with {@code parent}'s current state, keeping its name, purpose
     * and expiry. Sessions on the branch are ended (the branch's own, never the parent's).
     */
    default BranchInfo resetBranch(DatabaseLocation parent, String name) {
        throw unsupported("reset branches");
    }

    /** Moves the branch's expiry to {@code expires}. */
    default BranchInfo extendBranch(DatabaseLocation parent, String name, Instant expires) {
        throw unsupported("extend branches");
    }

    /** Deletes the branch; only a branch this provider made (by its metadata), never another database. */
    default void deleteBranch(DatabaseLocation parent, String name) {
        throw unsupported("delete branches");
    }

    /** How to connect to the branch: its location, with the credentials it takes. */
    default DatabaseLocation branchLocation(DatabaseLocation parent, String name) {
        throw unsupported("locate branches");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("The '" + name() + "' branch provider cannot " + what);
    }
}
