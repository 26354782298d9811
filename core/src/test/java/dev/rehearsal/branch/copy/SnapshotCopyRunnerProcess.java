package dev.rehearsal.branch.copy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.testing.ScriptEngine;
import java.nio.file.Path;

/** A separate JVM that rehearses one migration on a snapshot copy of a database, for process-level tests. */
public final class SnapshotCopyRunnerProcess {
    private SnapshotCopyRunnerProcess() {
    }

    /** Arguments: the JDBC URL of the target (user postgres), the work directory, the branch prefix. */
    public static void main(String[] args) {
        Outcome outcome = Rehearsal.configure().target(args[0], "postgres", null)
                .branchProvider(provider(Path.of(args[1]), args[2]))
                .engine(engine()).load().rehearse();
        System.out.println("VERDICT " + outcome.verdict());
    }

    /** The provider both the runner and the test that follows it use. */
    static SnapshotCopyBranchProvider provider(Path work, String prefix) {
        return SnapshotCopyBranchProvider.builder().prefix(prefix).jobs(2).workDirectory(work).build();
    }

    static ScriptEngine engine() {
        return new ScriptEngine().migration("1", "ALTER TABLE t ADD COLUMN v int");
    }
}
