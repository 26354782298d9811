package dev.rehearsal.check;

import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which statement made a change the catalog or the data shows, found by the object it changed rather than by the
 * statement's text: the server locks a relation before it changes it, so the statements that changed a table are those
 * that locked it in a mode that can change it, and those that ran after them in the same transaction, under that lock
 * (a second {@code ALTER} of a table in one transaction takes no new lock). A view migration that only reads a table, a
 * function whose body mentions a column, or a tool's history row names the object at most in its text, and is never
 * chosen over the statement that locked it.
 *
 * <p>Among the statements that held such a lock, the one whose parse tree names the object (a column, a constraint,
 * an index) is chosen, the last one when several do. Else a statement that ran with no lock evidence on the relation (a
 * quick statement outside a transaction leaves none, a failed {@code CREATE INDEX CONCURRENTLY} may leave only its
 * index's) whose parse tree names it; else the last statement that held the lock. Successful statements come before
 * failed ones: a migration that carries on after a failed {@code CREATE INDEX CONCURRENTLY} leaves its invalid index
 * behind.
 */
final class Attribution {
    private Attribution() {
    }

    /** The statement that changed the definition of relation {@code relationOid} (and, by name, its part). */
    static Optional<StatementTrace> changing(CheckContext context, long relationOid, String... names) {
        return choose(context, relationOid, LockMode.SHARE_UPDATE_EXCLUSIVE, names);
    }

    /** The statement that changed the rows of relation {@code relationOid}: a write, or a change of definition. */
    static Optional<StatementTrace> writing(CheckContext context, long relationOid, String... names) {
        return choose(context, relationOid, LockMode.ROW_EXCLUSIVE, names);
    }

    /** A finding on relation {@code relationOid} attributed to the statement that changed its definition. */
    static Finding changed(CheckContext context, long relationOid, String kind, Severity severity, String message,
                           Map<String, Object> evidence, String remedy, String... names) {
        return finding(changing(context, relationOid, names), kind, severity, message, evidence, remedy);
    }

    /** A finding on the rows of relation {@code relationOid} attributed to the statement that changed them. */
    static Finding written(CheckContext context, long relationOid, String kind, Severity severity, String message,
                           Map<String, Object> evidence, String remedy, String... names) {
        return finding(writing(context, relationOid, names), kind, severity, message, evidence, remedy);
    }

    /**
     * A finding on an object the catalog keeps no lock evidence for (a view), attributed to the last statement whose
     * parse tree names it.
     */
    static Finding named(CheckContext context, String kind, Severity severity, String message,
                         Map<String, Object> evidence, String remedy, String... names) {
        return finding(naming(context.migrationStatements(), names), kind, severity, message, evidence, remedy);
    }

    private static Finding finding(Optional<StatementTrace> statement, String kind, Severity severity, String message,
                                   Map<String, Object> evidence, String remedy) {
        return new Finding(kind, severity, statement.map(StatementTrace::migration).orElse(null),
                statement.map(StatementTrace::sql).orElse(null), message, evidence, remedy);
    }

    private static Optional<StatementTrace> choose(CheckContext context, long relationOid, LockMode atLeast,
                                                   String... names) {
        List<StatementTrace> statements = context.migrationStatements();
        Set<StatementTrace> underLock = new LinkedHashSet<>();
        for (int i = 0; i < statements.size(); i++) {
            for (LockTrace lock : statements.get(i).locks()) {
                if (lock.relationOid() == relationOid && lock.mode().compareTo(atLeast) >= 0) {
                    underLock.add(statements.get(i));
                    underLock.addAll(heldDuring(statements, i, lock));
                }
            }
        }
        List<StatementTrace> candidates = new ArrayList<>(underLock);
        candidates.sort((a, b) -> Integer.compare(a.sequence(), b.sequence()));
        Optional<StatementTrace> named = naming(candidates, names)
                .or(() -> naming(statements.stream().filter(s -> s.locks().stream()
                        .noneMatch(lock -> lock.relationOid() == relationOid)).toList(), names));
        if (named.isPresent() || candidates.isEmpty()) {
            return named;
        }
        return candidates.stream().filter(s -> !s.failed()).reduce((first, second) -> second)
                .or(() -> Optional.of(candidates.get(candidates.size() - 1)));
    }

    /**
     * The last successful statement naming every one of {@code names}, else the last failed one; none without names.
     */
    static Optional<StatementTrace> naming(List<StatementTrace> statements, String... names) {
        if (names.length == 0) {
            return Optional.empty();
        }
        StatementTrace failed = null;
        for (int i = statements.size() - 1; i >= 0; i--) {
            StatementTrace statement = statements.get(i);
            if (namesAll(statement.sql(), names)) {
                if (!statement.failed()) {
                    return Optional.of(statement);
                }
                if (failed == null) {
                    failed = statement;
                }
            }
        }
        return Optional.ofNullable(failed);
    }

    /**
     * True when the statement works on objects of every one of these names, read from its parse tree (names in
     * comments, literals and function bodies do not count); from its text, as whole words, when it does not parse.
     */
    private static boolean namesAll(String sql, String... names) {
        Set<String> parsed = SqlTrees.names(sql);
        for (String name : names) {
            if (parsed != null ? !parsed.contains(name) : !names(sql, name)) {
                return false;
            }
        }
        return true;
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

    /**
     * The statements after {@code statements[index]} that ran while its lock was still held: those of the same
     * migration, in its transaction, started before the lock was released (at the end of the transaction).
     */
    static List<StatementTrace> heldDuring(List<StatementTrace> statements, int index, LockTrace lock) {
        StatementTrace statement = statements.get(index);
        List<StatementTrace> later = new ArrayList<>();
        if (!statement.inTransaction() || lock.sampled()) {
            return later;
        }
        Instant released = statement.startedAt().plusMillis(lock.heldMillis());
        for (StatementTrace next : statements.subList(index + 1, statements.size())) {
            if (!Objects.equals(next.migration(), statement.migration()) || !next.inTransaction()
                    || !next.startedAt().isBefore(released)) {
                break;
            }
            later.add(next);
        }
        return later;
    }
}
