package dev.rehearsal.catalog;

import dev.rehearsal.catalog.CatalogSnapshot.EnumType;
import dev.rehearsal.catalog.CatalogSnapshot.Function;
import dev.rehearsal.catalog.CatalogSnapshot.Sequence;
import dev.rehearsal.catalog.CatalogSnapshot.View;
import dev.rehearsal.catalog.SchemaChange.Kind;
import dev.rehearsal.catalog.SchemaChange.ObjectType;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.catalog.Table.Constraint;
import dev.rehearsal.catalog.Table.Index;
import dev.rehearsal.catalog.Table.Trigger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The schema changes between two snapshots of the same database — in Rehearsal, of the branch before and after the
 * migrations.
 *
 * <p>Because both snapshots are of one database, objects keep their identity across renames: tables and indexes are
 * matched by OID and columns by (table, attribute number), so a rename is {@link Kind#RENAMED}, not a removal and an
 * addition — and a table dropped and created again under the same name is {@link Kind#REMOVED} and
 * {@link Kind#ADDED}, as its rows are gone. Constraints and triggers are matched by (table, name); an index rebuilt
 * under the same name (as {@code ALTER COLUMN ... TYPE} does) by (table, name) too. Views, sequences, enum types and
 * schemas are matched by name, functions by schema, name and argument types.
 *
 * <p>What counts as a change: of a column, its type, nullability, default, identity and generation expression (one
 * {@link Kind#CHANGED} entry listing what changed); of a constraint, its definition and whether it is validated; of
 * an index, its definition and validity; of a trigger, its definition and whether it is enabled; of a view, its
 * query; of a function, its {@code pg_get_functiondef} (by hash); of an enum type, its labels; of a sequence, its
 * data type. Definitions that differ only because the table or one of its columns was renamed are not changes
 * (the rename is reported once). Physical facts (sizes, {@code relfilenode}s: a table rewrite) and data facts are not
 * schema and are never reported; compare the snapshots for those.
 *
 * <p>On PostgreSQL 18 a NOT NULL is also a {@code "not null"} constraint: setting one shows as the column's change
 * and as a constraint added. Column entries are the same on every version.
 *
 * <p>An added or removed table is one entry that lists its columns; its constraints, indexes and triggers are not
 * listed apart. The result is ordered: schemas; tables by schema and name, each followed by its columns (by
 * position), constraints, indexes and triggers (by name); then views, sequences, functions and enum types.
 */
final class CatalogDiff {
    private CatalogDiff() {
    }

    /** What changed from {@code before} to {@code after}; empty when nothing did. */
    static List<SchemaChange> between(CatalogSnapshot before, CatalogSnapshot after) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        List<SchemaChange> changes = new ArrayList<>();
        for (Pair<String> schema : pair(before.schemas(), after.schemas(), name -> name)) {
            addedOrRemoved(changes, ObjectType.SCHEMA, schema, Identifiers::quote, name -> null);
        }
        List<Pair<Table>> tables = pairTables(before.tables(), after.tables());
        Map<String, String> renamedTables = renamedTables(tables);
        for (Pair<Table> table : tables) {
            if (table.before == null || table.after == null) {
                addedOrRemoved(changes, ObjectType.TABLE, table, Table::qualifiedName, CatalogDiff::columnList);
            } else {
                compare(changes, table.before, table.after, renamedTables);
            }
        }
        for (Pair<View> view : pair(before.views(), after.views(),
                v -> key(v.schema(), v.name(), v.materialized() ? "m" : "v"))) {
            ObjectType type = view.current().materialized() ? ObjectType.MATERIALIZED_VIEW : ObjectType.VIEW;
            addedOrRemoved(changes, type, view, View::qualifiedName, View::definition);
            if (view.isMatched()) {
                new Differences().add(view.before.definition(), view.after.definition())
                        .report(changes, type, view.after.qualifiedName());
            }
        }
        for (Pair<Sequence> sequence : pair(before.sequences(), after.sequences(), s -> key(s.schema(), s.name()))) {
            addedOrRemoved(changes, ObjectType.SEQUENCE, sequence, Sequence::qualifiedName,
                    s -> "type " + s.dataType());
            if (sequence.isMatched()) {
                new Differences().add("type " + sequence.before.dataType(), "type " + sequence.after.dataType())
                        .report(changes, ObjectType.SEQUENCE, sequence.after.qualifiedName());
            }
        }
        for (Pair<Function> function : pair(before.functions(), after.functions(),
                f -> key(f.schema(), f.name(), f.identityArguments()))) {
            addedOrRemoved(changes, ObjectType.FUNCTION, function, Function::signature, Function::kind);
            if (function.isMatched()) {
                Differences differences = new Differences();
                differences.add(function.before.kind(), function.after.kind());
                differences.add("definition " + shortHash(function.before), "definition " + shortHash(function.after));
                differences.report(changes, ObjectType.FUNCTION, function.after.signature());
            }
        }
        for (Pair<EnumType> type : pair(before.enumTypes(), after.enumTypes(), e -> key(e.schema(), e.name()))) {
            addedOrRemoved(changes, ObjectType.ENUM_TYPE, type, EnumType::qualifiedName, CatalogDiff::labels);
            if (type.isMatched()) {
                new Differences().add(labels(type.before), labels(type.after))
                        .report(changes, ObjectType.ENUM_TYPE, type.after.qualifiedName());
            }
        }
        return List.copyOf(changes);
    }

    private static void compare(List<SchemaChange> changes, Table before, Table after,
                                Map<String, String> renamedTables) {
        String table = after.qualifiedName();
        if (!before.qualifiedName().equals(table)) {
            changes.add(new SchemaChange(ObjectType.TABLE, table, Kind.RENAMED, before.qualifiedName(), table));
        }
        Renames renames = new Renames(before, after, renamedTables);

        for (Pair<Column> column : pair(before.columns(), after.columns(), Column::position)) {
            String name = Identifiers.qualify(after.schema(), after.name(), column.current().name());
            addedOrRemoved(changes, ObjectType.COLUMN, column, c -> name, CatalogDiff::describe);
            if (column.isMatched()) {
                Column was = column.before;
                Column is = column.after;
                renamed(changes, ObjectType.COLUMN, name, before, was.name(), is.name());
                Differences differences = new Differences();
                differences.add("type " + was.type(), "type " + is.type());
                differences.add(was.notNull(), is.notNull(), "not null", "nullable");
                differences.add(either("default ", was.defaultExpression(), "no default"),
                        either("default ", is.defaultExpression(), "no default"));
                differences.add(either("identity ", was.identity(), "no identity"),
                        either("identity ", is.identity(), "no identity"));
                differences.add(either("generated always as ", renames.apply(was.generated()), "not generated"),
                        either("generated always as ", is.generated(), "not generated"));
                differences.report(changes, ObjectType.COLUMN, name);
            }
        }

        for (Pair<Constraint> constraint : pair(before.constraints(), after.constraints(), Constraint::name)) {
            String name = Identifiers.qualify(after.schema(), after.name(), constraint.current().name());
            addedOrRemoved(changes, ObjectType.CONSTRAINT, constraint, c -> name, Constraint::definition);
            if (constraint.isMatched()) {
                Differences differences = new Differences();
                differences.add(renames.applyToConstraint(withoutNotValid(constraint.before.definition())),
                        withoutNotValid(constraint.after.definition()));
                differences.add(constraint.before.validated(), constraint.after.validated(), "valid", "not valid");
                differences.report(changes, ObjectType.CONSTRAINT, name);
            }
        }

        for (Pair<Index> index : pairIndexes(before.indexes(), after.indexes())) {
            String name = Identifiers.qualify(after.schema(), after.name(), index.current().name());
            addedOrRemoved(changes, ObjectType.INDEX, index, i -> name,
                    i -> i.definition() + (i.valid() ? "" : ", invalid"));
            if (index.isMatched()) {
                Index was = index.before;
                Index is = index.after;
                renamed(changes, ObjectType.INDEX, name, before, was.name(), is.name());
                Differences differences = new Differences();
                differences.add(renames.applyToIndex(was.definition(), was.name(), is.name()), is.definition());
                differences.add(was.valid(), is.valid(), "valid", "invalid");
                differences.report(changes, ObjectType.INDEX, name);
            }
        }

        for (Pair<Trigger> trigger : pair(before.triggers(), after.triggers(), Trigger::name)) {
            String name = Identifiers.qualify(after.schema(), after.name(), trigger.current().name());
            addedOrRemoved(changes, ObjectType.TRIGGER, trigger, t -> name,
                    t -> t.definition() + (t.enabled() ? "" : ", disabled"));
            if (trigger.isMatched()) {
                Differences differences = new Differences();
                differences.add(renames.apply(trigger.before.definition()), trigger.after.definition());
                differences.add(trigger.before.enabled(), trigger.after.enabled(), "enabled", "disabled");
                differences.report(changes, ObjectType.TRIGGER, name);
            }
        }
    }

    /** A column's or index's rename, {@code name} being its new qualified name. */
    private static void renamed(List<SchemaChange> changes, ObjectType type, String name, Table before,
                                String oldName, String newName) {
        if (!oldName.equals(newName)) {
            changes.add(new SchemaChange(type, name, Kind.RENAMED,
                    Identifiers.qualify(before.schema(), before.name(), oldName), name));
        }
    }

    /** {@code label + value}, or {@code none} when there is no value. */
    private static String either(String label, String value, String none) {
        return value == null ? none : label + value;
    }

    private static <T> void addedOrRemoved(List<SchemaChange> changes, ObjectType type, Pair<T> pair,
                                           java.util.function.Function<T, String> name,
                                           java.util.function.Function<T, String> description) {
        if (pair.before == null) {
            changes.add(new SchemaChange(type, name.apply(pair.after), Kind.ADDED, null,
                    description.apply(pair.after)));
        } else if (pair.after == null) {
            changes.add(new SchemaChange(type, name.apply(pair.before), Kind.REMOVED,
                    description.apply(pair.before), null));
        }
    }

    /** Objects with the same key paired up, in key order; either side is null for an object on one side only. */
    private static <K extends Comparable<K>, T> List<Pair<T>> pair(List<T> before, List<T> after,
                                                                   java.util.function.Function<T, K> key) {
        TreeMap<K, Pair<T>> pairs = new TreeMap<>();
        before.forEach(b -> pairs.put(key.apply(b), new Pair<>(b, null)));
        after.forEach(a -> pairs.merge(key.apply(a), new Pair<>(null, a), (old, added) -> new Pair<>(old.before, a)));
        return List.copyOf(pairs.values());
    }

    /** Tables paired by OID, ordered by schema and name (the current one), a removed table before an added one. */
    private static List<Pair<Table>> pairTables(List<Table> before, List<Table> after) {
        Map<Long, Table> afterByOid = new LinkedHashMap<>();
        after.forEach(t -> afterByOid.put(t.oid(), t));
        List<Pair<Table>> pairs = new ArrayList<>();
        for (Table table : before) {
            pairs.add(new Pair<>(table, afterByOid.remove(table.oid())));
        }
        afterByOid.values().forEach(table -> pairs.add(new Pair<>(null, table)));
        pairs.sort(Comparator.comparing((Pair<Table> p) -> key(p.current().schema(), p.current().name()))
                .thenComparing(p -> p.after != null));
        return pairs;
    }

    /**
     * The renamed tables' old names and new names as a foreign key's definition may write them: qualified, and
     * unqualified too when the schema stayed the same (it is qualified only when not on the search path).
     */
    private static Map<String, String> renamedTables(List<Pair<Table>> tables) {
        Map<String, String> renamed = new HashMap<>();
        for (Pair<Table> table : tables) {
            if (table.isMatched() && !table.before.qualifiedName().equals(table.after.qualifiedName())) {
                renamed.put(table.before.qualifiedName(), table.after.qualifiedName());
                if (table.before.schema().equals(table.after.schema())) {
                    renamed.put(Identifiers.quote(table.before.name()), Identifiers.quote(table.after.name()));
                }
            }
        }
        return renamed;
    }

    /**
     * Indexes paired by OID, then the rest by name: {@code ALTER COLUMN ... TYPE} and {@code REINDEX CONCURRENTLY}
     * rebuild an index under its name with a new OID, which is not a schema change.
     */
    private static List<Pair<Index>> pairIndexes(List<Index> before, List<Index> after) {
        Map<Long, Index> afterByOid = new LinkedHashMap<>();
        after.forEach(i -> afterByOid.put(i.oid(), i));
        List<Pair<Index>> pairs = new ArrayList<>();
        List<Index> unmatched = new ArrayList<>();
        for (Index index : before) {
            Index same = afterByOid.remove(index.oid());
            if (same != null) {
                pairs.add(new Pair<>(index, same));
            } else {
                unmatched.add(index);
            }
        }
        pairs.addAll(pair(unmatched, List.copyOf(afterByOid.values()), Index::name));
        pairs.sort(Comparator.comparing((Pair<Index> p) -> p.current().name()).thenComparing(p -> p.after != null));
        return pairs;
    }

    /** A sort key of parts; NUL sorts before every character, so ("a", "b") comes before ("a b", "a"). */
    private static String key(String... parts) {
        return String.join("\0", parts);
    }

    private static String columnList(Table table) {
        return table.columns().isEmpty() ? "no columns" : table.columns().stream()
                .map(c -> Identifiers.quote(c.name()) + " " + describe(c)).collect(Collectors.joining(", "));
    }

    /** A column as in {@code CREATE TABLE}, without its name: {@code bigint not null generated always as identity}. */
    private static String describe(Column column) {
        return column.type() + (column.notNull() ? " not null" : "")
                + (column.defaultExpression() == null ? "" : " default " + column.defaultExpression())
                + (column.identity() == null ? "" : " generated " + column.identity() + " as identity")
                + (column.generated() == null ? "" : " generated always as " + column.generated());
    }

    private static String labels(EnumType type) {
        return type.labels().stream().map(label -> "'" + label.replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static String shortHash(Function function) {
        return function.definitionHash().substring(0, Math.min(12, function.definitionHash().length()));
    }

    /** {@code pg_get_constraintdef} ends a constraint not validated with " NOT VALID"; validation is compared apart. */
    private static String withoutNotValid(String definition) {
        return definition.endsWith(" NOT VALID") ? definition.substring(0, definition.length() - 10) : definition;
    }

    private record Pair<T>(T before, T after) {
        boolean isMatched() {
            return before != null && after != null;
        }

        T current() {
            return after != null ? after : before;
        }
    }

    /** The attributes of an object that differ, as they were and as they are: one CHANGED entry for them all. */
    private static final class Differences {
        private final List<String> was = new ArrayList<>();
        private final List<String> is = new ArrayList<>();

        Differences add(String before, String after) {
            if (!before.equals(after)) {
                was.add(before);
                is.add(after);
            }
            return this;
        }

        Differences add(boolean before, boolean after, String ifTrue, String ifFalse) {
            return add(before ? ifTrue : ifFalse, after ? ifTrue : ifFalse);
        }

        void report(List<SchemaChange> changes, ObjectType type, String name) {
            if (!was.isEmpty()) {
                changes.add(new SchemaChange(type, name, Kind.CHANGED, String.join(", ", was), String.join(", ", is)));
            }
        }
    }
}
