package dev.rehearsal.branch;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.internal.Ranges;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Branches for people, independent of rehearsals: one per developer, reset to the parent's state every morning,
 * expiring so that copies of production data do not linger. Works with every provider that manages branches
 * ({@link BranchManagement}: template, snapshot copy, Neon). Names and expiries are checked here, before any of
 * them reaches a provider.
 *
 * <pre>{@code
 * BranchManager branches = BranchManager.of(TemplateBranchProvider.create(), DatabaseLocation.of(url, user, password));
 * branches.create("dev-alice", Duration.ofDays(7));
 * branches.reset("dev-alice");                 // exactly the parent's current state again
 * String url = branches.location("dev-alice").redactedUrl();
 * }</pre>
 */
public final class BranchManager {
    /** How long a branch made without an expiry lives. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);
    /** The longest a branch may live before it must be extended. */
    public static final Duration MAX_EXPIRY = Duration.ofDays(90);

    /** The expiry of a named branch: the CLI's {@code --expires}, the Maven plugin's {@code <branchExpiry>}. */
    public static final Setting EXPIRY = Setting.rehearsal("expires", "BranchManager's expiresAfter(...)");

    private final BranchManagement provider;
    private final DatabaseLocation parent;

    private BranchManager(BranchManagement provider, DatabaseLocation parent) {
        this.provider = provider;
        this.parent = parent;
    }

    /**
     * Manages the branches {@code provider} makes of {@code parent}.
     *
     * @throws ConfigurationException when the provider cannot manage branches (is no {@link BranchManagement}),
     *                                naming the providers that can
     */
    public static BranchManager of(BranchProvider provider, DatabaseLocation parent) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(parent, "parent");
        if (!(provider instanceof BranchManagement management)) {
            throw new ConfigurationException("The '" + provider.name() + "' branch provider cannot manage named "
                    + "branches (create, list, reset, extend, delete): choose one that can with "
                    + Setting.BRANCH_PROVIDER.spelled() + ", one of " + BranchProviders.managingBranches());
        }
        return new BranchManager(management, parent);
    }

    /** Makes a branch that expires after {@link #DEFAULT_EXPIRY}. */
    public BranchInfo create(String name) {
        return create(name, DEFAULT_EXPIRY);
    }

    /** Makes a branch named {@code name} of the parent, expiring after {@code expiresAfter}. */
    public BranchInfo create(String name, Duration expiresAfter) {
        return provider.createBranch(parent, BranchNames.requireValid(name), checkedExpiry(expiresAfter));
    }

    /** The parent's branches, by name. */
    public List<BranchInfo> list() {
        return provider.listBranches(parent);
    }

    /** Gives the branch exactly the parent's current state again. */
    public BranchInfo reset(String name) {
        return provider.resetBranch(parent, BranchNames.requireValid(name));
    }

    /** Makes the branch expire {@code expiresAfter} from now. */
    public BranchInfo extend(String name, Duration expiresAfter) {
        return provider.extendBranch(parent, BranchNames.requireValid(name),
                Instant.now().plus(checkedExpiry(expiresAfter)));
    }

    /** Deletes the branch. */
    public void delete(String name) {
        provider.deleteBranch(parent, BranchNames.requireValid(name));
    }

    /** How to connect to the branch. */
    public DatabaseLocation location(String name) {
        return provider.branchLocation(parent, BranchNames.requireValid(name));
    }

    private static Duration checkedExpiry(Duration expiresAfter) {
        return Ranges.duration(EXPIRY, expiresAfter, Duration.ofSeconds(1), MAX_EXPIRY,
                "and extend the branch when it needs longer");
    }
}
