package dev.rehearsal.branch;

import java.util.Objects;
import dev.rehearsal.api.DatabaseLocation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The capability of a {@link BranchProvider} to manage named branches for people (one per developer, a branch per CI
 * job), independent of rehearsals. A provider that has it implements this interface as well; the built-in template,
 * snapshot-copy and Neon providers do. People use it through {@link BranchManager}, which checks names and expiries
 * before they reach a provider: the names given here are valid (a lower-case letter, then up to 62 lower-case
 * letters, digits, {@code _} or {@code -}) and the expiries positive.
 *
 * <pre>{@code
 * public final class ZfsBranchProvider implements BranchProvider, BranchManagement { ... }
 * }</pre>
 */
public interface BranchManagement {
    /**
     * Makes a branch named {@code name} of {@code parent}, purpose {@link BranchRequest#DEVELOPER}, that lives until
     * it expires or is deleted. Fails if a database or branch of that name exists.
     */
    BranchInfo createBranch(DatabaseLocation parent, String name, Duration expiresAfter);

    /** The branches of {@code parent} this provider made (any purpose), by name. */
    List<BranchInfo> listBranches(DatabaseLocation parent);

    /**
     * Branch Reset: replaces the branch's content with {@code parent}'s current state, keeping its name, purpose
     * and expiry. Sessions on the branch are ended (the branch's own, never the parent's).
     */
    BranchInfo resetBranch(DatabaseLocation parent, String name);

    /** Moves the branch's expiry to {@code expires}. */
    BranchInfo extendBranch(DatabaseLocation parent, String name, Instant expires);

    /** Deletes the branch; only a branch this provider made (by its metadata), never another database. */
    void deleteBranch(DatabaseLocation parent, String name);

    /** How to connect to the branch: its location, with the credentials it takes. */
    DatabaseLocation branchLocation(DatabaseLocation parent, String name);

    /**
     * A branch as {@linkplain BranchManagement#listBranches listed} by branch management.
     *
     * @param name      the branch's name (the database's name for the template and snapshot-copy providers)
     * @param parent    the name of the database (or parent branch) it was copied from
     * @param created   when it was made, or last reset to its parent
     * @param expires   after when it may be reaped
     * @param owner     who made it ({@code user@host})
     * @param purpose   why it exists: {@code "rehearsal"} for a runner's branch, {@code "developer"} for a named branch
     *                  made through branch management, or what its maker said
     * @param kept      true when a failed rehearsal's branch was kept on purpose
     * @param sizeBytes its size on disk, or null when the provider cannot tell
     * @param url       its JDBC URL, without credentials
     */
    public record BranchInfo(String name, String parent, Instant created, Instant expires, String owner, String purpose,
                             boolean kept, Long sizeBytes, String url) {
        public BranchInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(created, "created");
            Objects.requireNonNull(expires, "expires");
            Objects.requireNonNull(url, "url");
        }

        /** True when it may be reaped at {@code now}. */
        public boolean expiredAt(Instant now) {
            return !expires.isAfter(now);
        }
    }
}
