package dev.rehearsal.branch.copy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branch management for the providers whose branches are databases labelled with {@link BranchMetadata} (template
 * and snapshot copy): only how a copy is made, and where the branches live, differ. A named branch is a database of
 * exactly that name; only a database carrying the marker for that parent is ever reset, extended or deleted.
 */
final class DatabaseBranchManagement {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseBranchManagement.class);

    /** Makes {@code name} a labelled copy of {@code parent}'s current state; leaves nothing behind on failure. */
    interface Copier {
        void copy(DatabaseLocation parent, String name, BranchMetadata metadata);
    }

    private final Function<DatabaseLocation, DatabaseLocation> maintenanceOf;
    private final Copier copier;
    private final BranchNaming naming;
    private final Clock clock;

    /**
     * @param maintenanceOf where the branches of a parent live: the maintenance database of their server
     */
    DatabaseBranchManagement(Function<DatabaseLocation, DatabaseLocation> maintenanceOf, Copier copier,
                             BranchNaming naming, Clock clock) {
        this.maintenanceOf = maintenanceOf;
        this.copier = copier;
        this.naming = naming;
        this.clock = clock;
    }

    BranchInfo create(DatabaseLocation parent, String name, Duration expiresAfter) {
        DatabaseLocation maintenance = maintenanceOf.apply(parent);
        boolean taken = withConnection(maintenance, "look for database '" + name + "'",
                connection -> BranchDatabases.exists(connection, name));
        if (taken) {
            throw new BranchException("A database named '" + name + "' already exists on "
                    + maintenance.redactedUrl() + ": choose another branch name, or reset or delete that branch if "
                    + "it is one");
        }
        Instant created = clock.instant();
        copier.copy(parent, name, new BranchRequest(parent, expiresAfter, BranchRequest.DEVELOPER).metadata(created));
        LOG.info("Created branch {} of {}", name, parent.database());
        return find(maintenance, parent, name);
    }

    List<BranchInfo> list(DatabaseLocation parent) {
        DatabaseLocation maintenance = maintenanceOf.apply(parent);
        return withConnection(maintenance, "list the branches of '" + parent.database() + "'",
                connection -> BranchDatabases.branchesOf(connection, parent.database()).stream()
                        .map(branch -> info(maintenance, branch)).toList());
    }

    /**
     * Copies the parent's current state under a temporary name first and only then swaps it in for the branch
     * (drop, rename): when the copy fails (the parent is in use, say), the branch is as it was.
     */
    BranchInfo reset(DatabaseLocation parent, String name) {
        DatabaseLocation maintenance = maintenanceOf.apply(parent);
        BranchInfo old = find(maintenance, parent, name);
        Instant now = clock.instant();
        String fresh = naming.branchName(parent.database(), now);
        copier.copy(parent, fresh, new BranchMetadata(old.parent(), now, old.expires(), old.owner(), old.purpose(),
                old.kept()));
        withConnection(maintenance, "swap the fresh copy in for branch '" + name + "'", connection -> {
            try {
                Sql.execute(connection, "DROP DATABASE %I WITH (FORCE)", name);
                Sql.execute(connection, "ALTER DATABASE %I RENAME TO %I", fresh, name);
            } catch (SQLException | RuntimeException e) {
                BranchDatabases.dropQuietly(connection, fresh, e);
                throw e;
            }
            return null;
        });
        LOG.info("Reset branch {} to the current state of {}", name, parent.database());
        return find(maintenance, parent, name);
    }

    BranchInfo extend(DatabaseLocation parent, String name, Instant expires) {
        DatabaseLocation maintenance = maintenanceOf.apply(parent);
        BranchInfo old = find(maintenance, parent, name);
        BranchDatabases.comment(maintenance, name, new BranchMetadata(old.parent(), old.created(), expires,
                old.owner(), old.purpose(), old.kept()));
        return find(maintenance, parent, name);
    }

    void delete(DatabaseLocation parent, String name) {
        DatabaseLocation maintenance = maintenanceOf.apply(parent);
        find(maintenance, parent, name);
        BranchDatabases.drop(maintenance, name);
        LOG.info("Deleted branch {} of {}", name, parent.database());
    }

    DatabaseLocation location(DatabaseLocation parent, String name) {
        DatabaseLocation maintenance = maintenanceOf.apply(parent);
        find(maintenance, parent, name);
        return maintenance.withDatabase(name);
    }

    /** Branch {@code name} of {@code parent}: a database with the marker naming that parent, or a BranchException. */
    private BranchInfo find(DatabaseLocation maintenance, DatabaseLocation parent, String name) {
        return withConnection(maintenance, "look for branch '" + name + "'", connection -> {
            for (BranchDatabases.Marked branch : BranchDatabases.branchesOf(connection, parent.database())) {
                if (branch.name().equals(name)) {
                    return info(maintenance, branch);
                }
            }
            if (BranchDatabases.exists(connection, name)) {
                throw new BranchException("Database '" + name + "' is not a branch of '" + parent.database()
                        + "' made by Rehearsal (it has no branch metadata naming that parent): it is left alone");
            }
            throw new BranchException("There is no branch '" + name + "' of '" + parent.database() + "' on "
                    + maintenance.redactedUrl() + ": list the branches to see their names");
        });
    }

    private static BranchInfo info(DatabaseLocation maintenance, BranchDatabases.Marked branch) {
        BranchMetadata metadata = branch.metadata();
        return new BranchInfo(branch.name(), metadata.parent(), metadata.created(), metadata.expires(),
                metadata.owner(), metadata.purpose(), metadata.kept(), branch.sizeBytes(),
                maintenance.withDatabase(branch.name()).redactedUrl());
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static <T> T withConnection(DatabaseLocation maintenance, String what, Work<T> work) {
        try (Connection connection = Sql.connect(maintenance, "the maintenance database '"
                + maintenance.database() + "'")) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new BranchException("Could not " + what + " on " + maintenance.redactedUrl() + ": "
                    + Sql.describe(e), e);
        }
    }
}
