package dev.rehearsal.maven;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManager;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Resets a branch to the target's current state (Neon's "Branch Reset"): a fresh copy replaces it, so a failed
 * reset leaves the branch as it was. Its name and expiry stay.
 *
 * <pre>
 * mvn rehearsal:branch-reset -Drehearsal.branch=dev-alice
 * </pre>
 */
@Mojo(name = "branch-reset", threadSafe = true)
public final class BranchResetMojo extends AbstractBranchMojo {
    @Override
    void run(BranchManager branches, DatabaseLocation target) {
        getLog().info("Reset branch " + describe(branches.reset(name())));
    }
}
