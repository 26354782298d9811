package dev.rehearsal.flyway;

import dev.rehearsal.api.ConfigurationException;
import java.util.List;
import java.util.StringJoiner;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Flyway's validation, as {@code flyway migrate} runs it before migrating, told in the words of the front end in
 * use: each migration that fails it, and the setting or step that fixes it.
 */
final class Validation {
    private Validation() {
    }

    /** Nothing when the validation passed; else the problems, as a configuration error. */
    static void require(ValidateResult result) {
        if (result.validationSuccessful) {
            return;
        }
        StringJoiner message = new StringJoiner("\n  - ", "Flyway validates the target before it migrates ("
                + FlywaySettings.VALIDATE_ON_MIGRATE.spelled() + ", on by default), and that fails, so flyway "
                + "migrate would stop before migrating anything:\n  - ", "");
        List<ValidateOutput> invalid = result.invalidMigrations == null ? List.of() : result.invalidMigrations;
        if (invalid.isEmpty() && result.errorDetails != null) {
            message.add(result.errorDetails.errorMessage);
        }
        invalid.forEach(migration -> message.add(describe(migration)));
        throw new ConfigurationException(message.toString());
    }

    private static String describe(ValidateOutput invalid) {
        String flyway = invalid.errorDetails == null ? "" : String.valueOf(invalid.errorDetails.errorMessage);
        // the code's name: an enum named ErrorCode in Flyway 10, CoreErrorCode implementing ErrorCode since
        String code = invalid.errorDetails == null ? "" : String.valueOf(invalid.errorDetails.errorCode);
        String migration = invalid.version == null || invalid.version.isEmpty()
                ? "the repeatable migration '" + invalid.description + "'"
                : "migration " + invalid.version + " (" + invalid.description + ")";
        return switch (code) {
            case "APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED", "APPLIED_REPEATABLE_MIGRATION_NOT_RESOLVED" -> migration
                    + " was applied to the target but is not among the migrations of "
                    + FlywaySettings.LOCATIONS.spelled() + ": restore it, or ignore it with "
                    + FlywaySettings.IGNORE_MIGRATION_PATTERNS.spelled("*:missing");
            case "RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED" -> migration + " is older than the newest migration "
                    + "applied to the target and was never applied: apply it with "
                    + FlywaySettings.OUT_OF_ORDER.spelled("true") + ", or leave it out with "
                    + FlywaySettings.IGNORE_MIGRATION_PATTERNS.spelled("*:ignored");
            case "CHECKSUM_MISMATCH", "DESCRIPTION_MISMATCH", "TYPE_MISMATCH" -> migration + " changed after it was "
                    + "applied to the target (" + evidence(flyway) + "): restore the applied version; if the change "
                    + "is intended (a comment, formatting), record it on the target with flyway repair";
            case "FAILED_VERSIONED_MIGRATION", "FAILED_REPEATABLE_MIGRATION" -> migration + " failed on the target "
                    + "and is recorded as failed: undo what it left half done, then run flyway repair on the target";
            default -> migration + ": " + flyway.lines().findFirst().orElse(code);
        };
    }

    /** Flyway's own account of a mismatch: its first line and what it found on each side. */
    private static String evidence(String message) {
        StringJoiner evidence = new StringJoiner("; ");
        message.lines().map(String::trim).filter(line -> !line.isEmpty())
                .filter(line -> evidence.length() == 0 || line.startsWith("->"))
                .forEach(line -> evidence.add(line.startsWith("->") ? line.substring(2).trim() : line));
        return evidence.toString().replaceAll("\\s{2,}", " ");
    }
}
