package dev.rehearsal.check;

import java.util.Map;
import java.util.Objects;

/**
 * Something a check found in the rehearsal's evidence.
 *
 * @param kind      a stable, kebab-case name for what was found, e.g. {@code "table-rewrite"}
 * @param severity  how much it matters
 * @param migration the id of the migration it concerns, or null when it concerns the whole run
 * @param statement the statement it concerns, or null
 * @param message   what was found, in a sentence
 * @param evidence  the numbers behind it (row counts, durations, lock modes, ...)
 * @param remedy    how to do it safely, or null
 */
public record Finding(String kind, Severity severity, String migration, String statement, String message,
                      Map<String, Object> evidence, String remedy) {
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    /** A blocking finding about the whole run, without statement, evidence or remedy. */
    public static Finding blocking(String kind, String message) {
        return new Finding(kind, Severity.BLOCKING, null, null, message, Map.of(), null);
    }

    public boolean isBlocking() {
        return severity == Severity.BLOCKING;
    }
}
