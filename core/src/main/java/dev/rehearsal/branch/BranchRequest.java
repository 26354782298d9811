package dev.rehearsal.branch;

import dev.rehearsal.DatabaseLocation;
import java.time.Duration;
import java.util.Objects;

/**
 * What a branch is for.
 *
 * @param parent       the database to copy
 * @param expiresAfter how long the branch may live before it counts as an orphan that may be reaped
 * @param purpose      why it exists, recorded in its metadata (e.g. {@code "rehearsal"})
 */
public record BranchRequest(DatabaseLocation parent, Duration expiresAfter, String purpose) {
    /** The purpose of a runner's branch: one that no one needs once its runner is gone. */
    public static final String RUNNER = "rehearsal";
    /** The purpose of a named branch made for people through {@link BranchManager}. */
    public static final String DEVELOPER = "developer";

    public BranchRequest {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        if (expiresAfter.isNegative() || expiresAfter.isZero()) {
            throw new IllegalArgumentException("expiresAfter must be positive, was " + expiresAfter);
        }
        Objects.requireNonNull(purpose, "purpose");
    }
}
