package dev.rehearsal.catalog;

import dev.rehearsal.catalog.Table.Column;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Rewrites a definition of the table's old snapshot with the new names of the table, its columns and the tables
 * its foreign keys reference, so that a definition that differs only by them does not count as changed.
 */
final class Renames {
    private final String oldTable;
    private final String newTable;
    private final Map<String, String> columns = new HashMap<>();
    private final Pattern columnNames;
    private final Map<String, String> referencedTables;
    private final Pattern references;

    Renames(Table before, Table after, Map<String, String> renamedTables) {
        oldTable = before.qualifiedName();
        newTable = after.qualifiedName();
        Map<Integer, String> newNames = new HashMap<>();
        after.columns().forEach(c -> newNames.put(c.position(), c.name()));
        for (Column column : before.columns()) {
            String renamed = newNames.get(column.position());
            if (renamed != null && !renamed.equals(column.name())) {
                columns.put(Identifiers.quote(column.name()), Identifiers.quote(renamed));
            }
        }
        // whole identifiers only: not "id" in "customer_id", nor in a longer quoted name
        columnNames = columns.isEmpty() ? null
                : Pattern.compile("(?<![A-Za-z0-9_$\"])(" + alternatives(columns) + ")(?![A-Za-z0-9_$\"])");
        referencedTables = renamedTables;
        references = renamedTables.isEmpty() ? null
                : Pattern.compile("(?<=REFERENCES )(" + alternatives(renamedTables) + ")(?=\\()");
    }

    private static String alternatives(Map<String, String> names) {
        return names.keySet().stream().sorted(Comparator.comparing(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|"));
    }

    /** The definition with the new names: " ON table " (as in index and trigger definitions) and columns. */
    String apply(String definition) {
        if (definition == null) {
            return null;
        }
        String result = definition;
        if (!oldTable.equals(newTable)) {
            result = result.replace(" ON " + oldTable + " ", " ON " + newTable + " ")
                    .replace(" ON ONLY " + oldTable + " ", " ON ONLY " + newTable + " ");
        }
        return replace(result, columnNames, columns);
    }

    /**
     * As {@link #apply} up to a foreign key's {@code REFERENCES}; after it, the columns are the other table's, and
     * only that table's new name applies.
     */
    String applyToConstraint(String definition) {
        int referencing = definition.indexOf(" REFERENCES ");
        return referencing < 0 ? apply(definition) : apply(definition.substring(0, referencing))
                + replace(definition.substring(referencing), references, referencedTables);
    }

    /** As {@link #apply}, and the index's own new name ({@code CREATE INDEX name ON ...}). */
    String applyToIndex(String definition, String oldName, String newName) {
        String result = apply(definition);
        return oldName.equals(newName) ? result : result.replaceFirst("INDEX " + Pattern.quote(
                Identifiers.quote(oldName)) + " ON ", Matcher.quoteReplacement("INDEX " + Identifiers.quote(newName)
                + " ON "));
    }

    private static String replace(String text, Pattern pattern, Map<String, String> names) {
        return pattern == null ? text
                : pattern.matcher(text).replaceAll(match -> Matcher.quoteReplacement(names.get(match.group(1))));
    }
}
