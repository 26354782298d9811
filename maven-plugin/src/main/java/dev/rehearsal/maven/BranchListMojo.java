package dev.rehearsal.maven;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Lists the target's branches with their expiry and connection URL (without password).
 *
 * <pre>
 * mvn rehearsal:branch-list
 * </pre>
 */
@Mojo(name = "branch-list", threadSafe = true)
public final class BranchListMojo extends AbstractBranchMojo {
    @Override
    void run(BranchManager branches, DatabaseLocation target) {
        List<BranchInfo> list = branches.list();
        if (list.isEmpty()) {
            getLog().info("No branches of " + target.redactedUrl());
        }
        list.forEach(info -> getLog().info(describe(info)));
    }
}
