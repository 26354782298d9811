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
 * @param purpose why it exists
 */
public record BranchMetadata(String parent, Instant created, Instant expires, String owner, String purpose) {
    public BranchMetadata {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    public BranchMetadata withExpires(Instant newExpiry) {
        return new BranchMetadata(parent, created, newExpiry, owner, purpose);
    }
}
