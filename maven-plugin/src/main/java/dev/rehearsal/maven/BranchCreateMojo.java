package dev.rehearsal.maven;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.internal.Durations;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates a named branch of the target: a full copy, data included, that expires.
 *
 * <pre>
 * mvn rehearsal:branch-create -Drehearsal.branch=dev-alice -Drehearsal.branchExpiry=14d
 * </pre>
 */
@Mojo(name = "branch-create", threadSafe = true)
public final class BranchCreateMojo extends AbstractBranchMojo {
    /** How long the branch lives, e.g. {@code 8h} or {@code 14d} (at most 90 days). */
    @Parameter(property = "rehearsal.branchExpiry", defaultValue = "7d")
    String branchExpiry;

    @Override
    void run(BranchManager branches, DatabaseLocation target) {
        getLog().info("Created branch " + describe(branches.create(name(),
                Durations.parse(branchExpiry, "branchExpiry"))));
    }
}
