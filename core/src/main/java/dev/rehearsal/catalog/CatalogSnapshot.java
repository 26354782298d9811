package dev.rehearsal.catalog;

import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.catalog.Table.Index;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

    /**
     * A database's schema as a canonical, sorted list of lines that names objects instead of numbering them: no OIDs,
     * no attribute numbers, no sizes, files, sequence positions or data. Two databases that went through the same DDL
     * have equal fingerprints even when their OIDs differ — a branch and its parent after the same migrations, say —
     * and any difference in tables, columns (type, nullability, default, identity, generation, order), constraints,
     * indexes (validity included), triggers, views, sequences, functions, enum types or schemas shows as a line that
     * only one of them has. NOT NULL is compared through the columns, so that PostgreSQL 18's NOT NULL constraints (and
     * their generated names) do not set it apart from earlier versions — but a NOT VALID NOT NULL on 18 counts as not
     * null.
     *
     * <pre>{@code
     * List<String> missing = SchemaFingerprint.of(branchAfter).missingFrom(SchemaFingerprint.of(targetAfter));
     * }</pre>
     *
     * @param lines the schema, one object or property per line, sorted
     */
    public record SchemaFingerprint(List<String> lines) {
        public SchemaFingerprint {
            lines = lines.stream().sorted().toList();
        }

        /** The fingerprint of a snapshot (its data facts and physical facts are ignored). */
        public static SchemaFingerprint of(CatalogSnapshot snapshot) {
            Objects.requireNonNull(snapshot, "snapshot");
            List<String> lines = new ArrayList<>();
            snapshot.schemas().forEach(schema -> lines.add("schema " + Identifiers.quote(schema)));
            for (Table table : snapshot.tables()) {
                String name = table.qualifiedName();
                lines.add(table.kind() + " " + name);
                int order = 0;
                for (Column column : table.columns()) {
                    lines.add("column " + name + "." + Identifiers.quote(column.name()) + " #" + ++order + " "
                            + column.type() + (column.notNull() ? " not null" : "")
                            + optional(" default ", column.defaultExpression())
                            + optional(" identity ", column.identity()) + optional(" generated ", column.generated()));
                }
                // NOT NULL is in the column lines on every version; PostgreSQL 18 also lists it as constraints
                table.constraints().stream().filter(c -> !c.type().equals("not null"))
                        .forEach(c -> lines.add("constraint " + name + "." + Identifiers.quote(c.name()) + " "
                                + c.type() + " " + c.definition() + (c.validated() ? "" : " (not validated)")));
                table.indexes().forEach(i -> lines.add("index " + i.definition() + (i.valid() ? "" : " (INVALID)")));
                table.triggers().forEach(t -> lines.add("trigger " + t.definition()
                        + (t.enabled() ? "" : " (disabled)")));
            }
            snapshot.views().forEach(v -> lines.add((v.materialized() ? "materialized view " : "view ")
                    + v.qualifiedName() + " AS " + v.definition().strip()));
            snapshot.sequences().forEach(s -> lines.add("sequence " + s.qualifiedName() + " " + s.dataType()));
            snapshot.functions().forEach(f -> lines.add(f.kind() + " " + f.signature() + " sha256 "
                    + f.definitionHash()));
            snapshot.enumTypes().forEach(e -> lines.add("enum " + e.qualifiedName() + " " + e.labels()));
            return new SchemaFingerprint(lines);
        }

        /** The lines of this fingerprint that {@code other} lacks, in order. Empty when {@code other} has them all. */
        public List<String> missingFrom(SchemaFingerprint other) {
            Set<String> theirs = new LinkedHashSet<>(other.lines);
            return lines.stream().filter(line -> !theirs.contains(line)).toList();
        }

        /** SHA-256 of the lines, in hex: a short form for reports and comparisons across runs. */
        public String digest() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (String line : lines) {
                    sha.update(line.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) '\n');
                }
                return HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        private static String optional(String label, String value) {
            return value == null ? "" : label + value;
        }
    }

    /**
     * How {@link CatalogSnapshot#take} gathers data facts — the row count of each table and the non-null count of each
     * column — which, counted exactly, need a scan of every table.
     *
     * <ul> <li>{@link Mode#EXACT}: one plain {@code SELECT count(*), count(c1), count(c2), ... FROM ONLY t} per table
     * whose {@linkplain Table#sizeBytes() size} is at most {@code exactLimitBytes}; larger tables get estimates.
     * <li>{@link Mode#ESTIMATED}: no scan; the row count from {@code pg_class.reltuples} and the non-null counts from
     * {@code pg_stats.null_frac}, as of the last {@code ANALYZE} (or autovacuum). Facts the statistics do not have (a
     * table never analyzed) are null. Such tables are marked {@link Table#estimated()}. <li>{@link Mode#NONE}: no
     * facts; counts are null.
     * </ul>
     *
     * <p>A partitioned table is never scanned itself: its facts are the sums of its leaf partitions' facts (matched by
     * column name), which costs nothing more; they are estimated when any partition's are, and null when any
     * partition's are unknown (e.g. a foreign table partition). Virtual generated columns (PostgreSQL 18) are not
     * counted — counting them would compute them for every row — so their {@code nonNullCount} is null.
     *
     * <pre>{@code
     * CatalogSnapshot.take(connection, DataFacts.exactUpTo(256L << 20)); // count tables up to 256 MiB, estimate above
     * }</pre>
     *
     * @param mode            how facts are gathered
     * @param exactLimitBytes for {@link Mode#EXACT}, the largest table (by {@code pg_total_relation_size}) still
     *                        counted exactly; 0 for the other modes
     */
    public record DataFacts(Mode mode, long exactLimitBytes) {
        private static final long ONE_GIB = 1L << 30;

        /** How data facts are gathered. */
        public enum Mode {
            /** Counted by a scan, up to a table size; estimated above it. */
            EXACT,
            /** Taken from the planner's statistics; no scan. */
            ESTIMATED,
            /** Not gathered. */
            NONE
        }

        public DataFacts {
            Objects.requireNonNull(mode, "mode");
            if (exactLimitBytes < 0) {
                throw new IllegalArgumentException("The size up to which tables are counted exactly must not be "
                        + "negative, but was " + exactLimitBytes + ": use DataFacts.estimated() to count none");
            }
        }

        /** Exact counts for every table up to {@code bytes} (inclusive), estimates above. */
        public static DataFacts exactUpTo(long bytes) {
            return new DataFacts(Mode.EXACT, bytes);
        }

        /** Estimates from the planner's statistics only: no table is scanned. */
        public static DataFacts estimated() {
            return new DataFacts(Mode.ESTIMATED, 0);
        }

        /** No data facts: row and non-null counts are null. */
        public static DataFacts none() {
            return new DataFacts(Mode.NONE, 0);
        }

        /** Exact counts for tables up to 1 GiB, estimates above. */
        public static DataFacts defaults() {
            return exactUpTo(ONE_GIB);
        }

        /** Whether a table of this size is counted by a scan. */
        boolean countsExactly(long sizeBytes) {
            return mode == Mode.EXACT && sizeBytes <= exactLimitBytes;
        }
    }
}
