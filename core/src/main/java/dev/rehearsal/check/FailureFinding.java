package dev.rehearsal.check;

import dev.rehearsal.check.Finding.Severity;
import java.util.LinkedHashMap;
import java.util.Map;

/** The finding for a migration that failed on the branch, with what to do about it. */
final class FailureFinding {
    private FailureFinding() {
    }

    /**
     * A {@link FindingKinds#FAILED_ON_DATA} finding when the SQLSTATE says the data made the migration fail (classes
     * 22, data exception, and 23, integrity constraint violation), otherwise {@link FindingKinds#MIGRATION_FAILED}.
     */
    static Finding of(String migration, String statement, String sqlState, String message, String detail) {
        boolean data = sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23"));
        Map<String, Object> evidence = new LinkedHashMap<>();
        if (sqlState != null) {
            evidence.put("sqlState", sqlState);
        }
        if (detail != null) {
            evidence.put("detail", detail);
        }
        return new Finding(data ? FindingKinds.FAILED_ON_DATA : FindingKinds.MIGRATION_FAILED, Severity.BLOCKING,
                migration, statement, (data ? "fails on the target's data: " : "fails: ") + message, evidence,
                Remedies.forFailure(sqlState));
    }
}
