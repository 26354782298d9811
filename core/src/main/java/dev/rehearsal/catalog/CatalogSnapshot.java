package dev.rehearsal.catalog;

import dev.rehearsal.catalog.Table.Index;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a database holds, as its catalog tells: schemas, tables (columns, constraints, indexes, triggers), views,
 * sequences, functions and enum types, with data facts (row and non-null counts) per table. Taken on the branch
 * before and after the migrations, two snapshots give the {@linkplain #changesTo schema changes}, and their data
 * facts and physical facts (sizes, {@code relfilenode}s) give the checks their evidence: rows lost, tables
 * rewritten, indexes left invalid, constraints left {@code NOT VALID}.
 *
 * <p>Works on PostgreSQL 14 to 18 and models NOT NULL the same way on all of them (see {@link Table.Column#notNull()}).
 * Objects of the system schemas ({@code pg_catalog}, {@code information_schema}, {@code pg_toast*},
 * {@code pg_temp*}) and objects that belong to an extension are left out. Every list is in a deterministic order:
 * by schema and name ({@code "C"} collation), columns by position.
 *
 * <pre>{@code
 * CatalogSnapshot before = CatalogSnapshot.take(branch, DataFacts.defaults());
 * // ... migrate the branch ...
 * CatalogSnapshot after = CatalogSnapshot.take(branch, DataFacts.defaults());
 * before.changesTo(after).forEach(change -> System.out.println(change.describe()));
 * }</pre>
 *
 * @param serverVersion {@code server_version_num}, e.g. {@code 180001}
 * @param takenAt       when the snapshot was started
 * @param tables        tables and partitioned tables (partitions included), by schema and name
 * @param views         views and materialized views, by schema and name
 * @param sequences     sequences, by schema and name
 * @param functions     functions and procedures, by schema, name and arguments
 * @param enumTypes     enum types, by schema and name
 * @param schemas       schema names
 */
public record CatalogSnapshot(int serverVersion, Instant takenAt, List<Table> tables, List<View> views,
                              List<Sequence> sequences, List<Function> functions, List<EnumType> enumTypes,
                              List<String> schemas) {
    public CatalogSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        tables = List.copyOf(tables);
        views = List.copyOf(views);
        sequences = List.copyOf(sequences);
        functions = List.copyOf(functions);
        enumTypes = List.copyOf(enumTypes);
        schemas = List.copyOf(schemas);
    }

    /**
     * Takes a snapshot of the database {@code connection} is connected to. Reads only the catalog, apart from the
     * data facts' scans: one plain {@code SELECT count(*), count(c1), ...} per table that {@code facts} says to
     * count. Some catalog functions lock what they look at: the size functions the table or index,
     * {@code pg_get_viewdef} the tables a view reads, {@code pg_sequence_last_value} the sequence — all with
     * {@code ACCESS SHARE}, the weakest lock, which only waits for an {@code ACCESS EXCLUSIVE} one held by another
     * session. Runs in the connection's transaction mode and changes no setting: in auto-commit mode each lock lasts
     * one statement, in the caller's transaction until it ends. Works in a read-only transaction.
     *
     * @throws SQLException when a query fails, e.g. for lack of privileges
     */
    public static CatalogSnapshot take(Connection connection, DataFacts facts) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(facts, "facts");
        return new CatalogReader(connection, facts).read();
    }

    /** The table of this schema and name (exact, case-sensitive), if there is one. */
    public Optional<Table> table(String schema, String name) {
        return tables.stream().filter(t -> t.schema().equals(schema) && t.name().equals(name)).findFirst();
    }

    /** The table of this OID, if there is one. */
    public Optional<Table> tableByOid(long oid) {
        return tables.stream().filter(t -> t.oid() == oid).findFirst();
    }

    /** The index of this OID, if there is one. */
    public Optional<Index> indexByOid(long oid) {
        return tables.stream().flatMap(t -> t.indexes().stream()).filter(i -> i.oid() == oid).findFirst();
    }

    /** The table an index of this OID belongs to, if there is one. */
    public Optional<Table> tableOfIndex(long indexOid) {
        return tables.stream().filter(t -> t.indexes().stream().anyMatch(i -> i.oid() == indexOid)).findFirst();
    }

    /**
     * What changed from this snapshot to {@code after}, empty when nothing did (see {@link SchemaChange} for what is
     * compared and in which order).
     */
    public List<SchemaChange> changesTo(CatalogSnapshot after) {
        return CatalogDiff.between(this, after);
    }

    /**
     * A view or materialized view.
     *
     * @param schema       its schema
     * @param name         its name
     * @param materialized whether it is a materialized view
     * @param definition   its query as {@code pg_get_viewdef} writes it
     */
    public record View(String schema, String name, boolean materialized, String definition) {
        public View {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(definition, "definition");
        }

        /** {@code schema.name}, each part quoted only where PostgreSQL needs it. */
        public String qualifiedName() {
            return Identifiers.qualify(schema, name);
        }
    }

    /**
     * A sequence, including those behind identity and serial columns.
     *
     * @param schema    its schema
     * @param name      its name
     * @param dataType  {@code smallint}, {@code integer} or {@code bigint}
     * @param lastValue the last value handed out, or null when none was yet (or the role may not read it)
     */
    public record Sequence(String schema, String name, String dataType, Long lastValue) {
        public Sequence {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dataType, "dataType");
        }

        /** {@code schema.name}, each part quoted only where PostgreSQL needs it. */
        public String qualifiedName() {
            return Identifiers.qualify(schema, name);
        }
    }

    /**
     * A function or procedure (not aggregates or window functions).
     *
     * @param schema            its schema
     * @param name              its name
     * @param identityArguments its argument types as {@code pg_get_function_identity_arguments} writes them, e.g.
     *                          {@code customer_id integer, since date}; with schema and name they identify it
     * @param kind              {@code "function"} or {@code "procedure"}
     * @param definitionHash    SHA-256 (hex) of {@code pg_get_functiondef}: body, language, volatility, security,
     *                          settings — it changes whenever {@code CREATE OR REPLACE} changes anything
     */
    public record Function(String schema, String name, String identityArguments, String kind, String definitionHash) {
        public Function {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(identityArguments, "identityArguments");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(definitionHash, "definitionHash");
        }

        /** {@code schema.name(arguments)}, e.g. {@code public.discount(customer_id integer)}. */
        public String signature() {
            return Identifiers.qualify(schema, name) + "(" + identityArguments + ")";
        }
    }

    /**
     * An enum type.
     *
     * @param schema its schema
     * @param name   its name
     * @param labels its values in their sort order
     */
    public record EnumType(String schema, String name, List<String> labels) {
        public EnumType {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(name, "name");
            labels = List.copyOf(labels);
        }

        /** {@code schema.name}, each part quoted only where PostgreSQL needs it. */
        public String qualifiedName() {
            return Identifiers.qualify(schema, name);
        }
    }
}
