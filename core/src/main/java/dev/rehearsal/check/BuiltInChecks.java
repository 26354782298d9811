package dev.rehearsal.check;

import dev.rehearsal.trace.StatementTrace;
import java.util.List;

/**
 * The checks every rehearsal runs, before the user's own, and how their findings are judged. Tune them with a
 * {@link Policy}; accept a finding in the migration itself with a {@code -- rehearsal:allow <kind> <reason>} comment.
 */
public final class BuiltInChecks {
    private BuiltInChecks() {
    }

    /** The built-in checks, in the order they run. */
    public static List<Check> all() {
        return List.of(new RewriteCheck(), new LockCheck(), new DataLossCheck(), new CompatibilityCheck(),
                new LeftoverCheck(), new BackfillCheck(), new ForeignKeyIndexCheck(),
                new LockTimeoutCheck());
    }

    /**
     * Applies the policy and the migrations' acknowledgements to raw findings: severities from the policy, ignored
     * kinds dropped, acknowledged findings marked with their reason, and one finding for each acknowledgement given
     * without a reason.
     */
    public static List<Finding> judge(List<Finding> raw, List<StatementTrace> statements, Policy policy) {
        return Acknowledgements.judge(raw, statements, policy);
    }

    /**
     * The finding of a migration that failed: {@link FindingKinds#FAILED_ON_DATA} when the error is about the data
     * (SQLSTATE classes 22 and 23), {@link FindingKinds#MIGRATION_FAILED} otherwise; blocking, with a remedy.
     */
    public static Finding failure(String migration, String statement, String sqlState, String message,
                                  String detail) {
        return FailureFinding.of(migration, statement, sqlState, message, detail);
    }
}
