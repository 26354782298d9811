package dev.rehearsal.branch;

import java.time.Instant;
import java.util.Objects;

/**
 * What every branch records about itself, so that leftovers can be found, attributed and reaped.
 *
 * @param parent  the database it was copied from
 * @param created when it was created
 * @param expires after when it may be reaped
 * @param owner   who created it ({@code user@host})
 * @param purpose why it exists, e.g. {@code "rehearsal"} for a runner's branch
 * @param kept    true when it was kept on purpose (for debugging) until {@code expires}
 */
public record BranchMetadata(String parent, Instant created, Instant expires, String owner, String purpose,
                             boolean kept) {
    public BranchMetadata {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    /** Metadata of a branch not (yet) kept. */
    public BranchMetadata(String parent, Instant created, Instant expires, String owner, String purpose) {
        this(parent, created, expires, owner, purpose, false);
    }

    /** The same branch, kept on purpose until {@code newExpiry}. */
    public BranchMetadata keptUntil(Instant newExpiry) {
        return new BranchMetadata(parent, created, newExpiry, owner, purpose, true);
    }

    /** True when it may be reaped at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }
}
