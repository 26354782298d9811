package dev.rehearsal.branch;

import java.time.Instant;
import java.util.Objects;

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
