package dev.rehearsal.branch;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.BranchMetadata.RunnerIdentity;
import dev.rehearsal.internal.Ranges;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a branch is for.
 *
 * @param parent       the database to copy
 * @param expiresAfter how long the branch may live before it counts as an orphan that may be reaped
 * @param purpose      why it exists, recorded in its metadata (e.g. {@code "rehearsal"})
 * @param runner       the run the branch is for, recorded in its metadata with a heartbeat that the run keeps
 *                     fresh ({@link Branch#heartbeat()}); null for a branch no run looks after
 */
public record BranchRequest(DatabaseLocation parent, Duration expiresAfter, String purpose, RunnerIdentity runner) {
    /** The purpose of a runner's branch: one that no one needs once its runner is gone. */
    public static final String RUNNER = "rehearsal";
    /** The purpose of a named branch made for people through {@link BranchManager}. */
    public static final String DEVELOPER = "developer";

    public BranchRequest {
        Objects.requireNonNull(parent, "parent");
        Ranges.positive(Setting.BRANCH_EXPIRY, expiresAfter, "");
        Objects.requireNonNull(purpose, "purpose");
    }

    /** A request without a runner. */
    public BranchRequest(DatabaseLocation parent, Duration expiresAfter, String purpose) {
        this(parent, expiresAfter, purpose, null);
    }

    /** The metadata of a branch made for this request at {@code created}, owned by this process's user at its host. */
    public BranchMetadata metadata(Instant created) {
        return new BranchMetadata(parent.database(), created, created.plus(expiresAfter), Owner.current(), purpose,
                false, runner, null);
    }
}
