package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL 18 with {@code file_copy_method = clone}, a branch on a file system with reflinks (XFS here) shares
 * the parent's blocks: it takes no extra disk space, where a plain FILE_COPY on the same file system takes the
 * database's size. Skipped, saying why, where an XFS loop mount is not possible (not root, no xfsprogs).
 */
class ReflinkCloneIT {
    private static final long MIB = 1024 * 1024;

    @Test
    void aCloneOfAHalfGigabyteDatabaseTakesNoExtraDiskSpaceAPlainCopyDoes(@TempDir Path directory) throws Exception {
        XfsLoopMount.Result mounted = XfsLoopMount.tryMount(directory, 4096 * MIB);
        Assumptions.assumeTrue(mounted.mount() != null, () -> "SKIPPED: no XFS loop mount here: " + mounted.whyNot());
        try (XfsLoopMount xfs = mounted.mount()) {
            TestPostgres server = TestPostgres.startIn(xfs.path().resolve("data"));
            try {
                String parent = server.createDatabase("big");
                server.execute(parent, "CREATE TABLE big AS SELECT i, repeat(md5(i::text), 16) AS pad "
                        + "FROM generate_series(1, 1000000) i", "CHECKPOINT");
                long size = Long.parseLong(server.query(parent, "SELECT pg_database_size(current_database())")
                        .get(0));
                assertThat(size).isGreaterThan(500 * MIB);

                long cloneCost = diskCostOfABranch(server, xfs, parent, true);
                long copyCost = diskCostOfABranch(server, xfs, parent, false);

                System.out.printf("database %d MiB: clone took %d MiB of disk, plain FILE_COPY %d MiB%n",
                        size / MIB, cloneCost / MIB, copyCost / MIB);
                assertThat(cloneCost).as("disk taken by the clone").isLessThan(size / 20);
                assertThat(copyCost).as("disk taken by the plain copy").isGreaterThan(size * 8 / 10);
            } finally {
                server.stop();
            }
        }
    }

    private static long diskCostOfABranch(TestPostgres server, XfsLoopMount xfs, String parent, boolean clone)
            throws Exception {
        TemplateBranchProvider provider = TemplateBranchProvider.builder().clone(clone).build();
        server.execute("postgres", "CHECKPOINT");
        long before = xfs.usedBytes();
        try (Branch branch = provider.create(new BranchRequest(server.location(parent), Duration.ofHours(1), "test"))) {
            server.execute("postgres", "CHECKPOINT");
            long cost = xfs.usedBytes() - before;
            assertThat(branch.copyMethod()).isEqualTo(clone ? "FILE_COPY (file_copy_method=clone)" : "FILE_COPY");
            assertThat(server.query(branch.name(), "SELECT count(*) FROM big")).containsExactly("1000000");
            return cost;
        }
    }
}
