package dev.rehearsal.branch.copy;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManagement;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A provider whose branches are databases labelled with {@link BranchMetadata} (template, snapshot copy): branch
 * management is the same for all of them ({@link DatabaseBranchManagement}); a named branch is a database of exactly
 * that name.
 */
abstract class DatabaseBranchProvider implements BranchProvider, BranchManagement {

    /** Branch management with this provider's way of copying. */
    abstract DatabaseBranchManagement management();

    @Override
    public BranchInfo createBranch(DatabaseLocation parent, String name, Duration expiresAfter) {
        return management().create(parent, name, expiresAfter);
    }

    @Override
    public List<BranchInfo> listBranches(DatabaseLocation parent) {
        return management().list(parent);
    }

    @Override
    public BranchInfo resetBranch(DatabaseLocation parent, String name) {
        return management().reset(parent, name);
    }

    @Override
    public BranchInfo extendBranch(DatabaseLocation parent, String name, Instant expires) {
        return management().extend(parent, name, expires);
    }

    @Override
    public void deleteBranch(DatabaseLocation parent, String name) {
        management().delete(parent, name);
    }

    @Override
    public DatabaseLocation branchLocation(DatabaseLocation parent, String name) {
        return management().location(parent, name);
    }
}
