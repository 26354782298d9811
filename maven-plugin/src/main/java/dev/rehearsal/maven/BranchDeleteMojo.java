package dev.rehearsal.maven;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManager;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Deletes a branch.
 *
 * <pre>
 * mvn rehearsal:branch-delete -Drehearsal.branch=dev-alice
 * </pre>
 */
@Mojo(name = "branch-delete", threadSafe = true)
public final class BranchDeleteMojo extends AbstractBranchMojo {
    @Override
    void run(BranchManager branches, DatabaseLocation target) {
        String name = name();
        branches.delete(name);
        getLog().info("Deleted branch " + name);
    }
}
