package dev.rehearsal.check;

import dev.rehearsal.trace.StatementTrace;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which statement most likely made a catalog change: the last migration statement that names the object, or, when
 * only failed ones do, the last of those (a migration that carries on after a failed {@code CREATE INDEX
 * CONCURRENTLY}, say, leaves its invalid index behind).
 */
final class Attribution {
    private Attribution() {
    }

    static Optional<StatementTrace> statementNaming(CheckContext context, String... names) {
        List<StatementTrace> statements = context.migrationStatements();
        StatementTrace failed = null;
        for (int i = statements.size() - 1; i >= 0; i--) {
            StatementTrace statement = statements.get(i);
            boolean all = true;
            for (String name : names) {
                if (!names(statement.sql(), name)) {
                    all = false;
                    break;
                }
            }
            if (all && !statement.failed()) {
                return Optional.of(statement);
            }
            if (all && failed == null) {
                failed = statement;
            }
        }
        return Optional.ofNullable(failed);
    }

    /**
     * True when the statement names the object as a whole word (quoted or not, any case, comments ignored). Double
     * quotes are left out on both sides: SQL writes a name's own quote doubled inside quotes ({@code "q""1"}).
     */
    static boolean names(String sql, String name) {
        String word = name.replace("\"", "").replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return Pattern.compile("(?<![a-z0-9_])" + Pattern.quote(word) + "(?![a-z0-9_])")
                .matcher(Remedies.normalized(sql).replace("\"", "")).find();
    }

    /** A finding attributed to the statement naming the object, or to the run when none does. */
    static Finding finding(CheckContext context, String kind, Severity severity, String message,
                           java.util.Map<String, Object> evidence, String remedy, String... names) {
        Optional<StatementTrace> statement = statementNaming(context, names);
        return new Finding(kind, severity, statement.map(StatementTrace::migration).orElse(null),
                statement.map(StatementTrace::sql).orElse(null), message, evidence, remedy);
    }
}
