package dev.rehearsal.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A table as wide as PostgreSQL lets it be — up to 1,600 attributes, dropped ones included — with a column of every
 * kind of type (scalars, arrays, json, bytea, a composite, an array of it, a domain, an enum, a range), stored and
 * virtual generated columns, names that need quoting (mixed case, spaces, double quotes, {@code %} signs, a keyword,
 * 63 bytes long, multibyte) and {@value #ROWS} rows, mostly NULL so that each fits in a page. Every column's expected
 * non-null count follows from its position, so that tests can check the counts without trusting what they test.
 *
 * <p>Column at attribute number {@code p}: 1 is {@code id integer PRIMARY KEY}; 2 is {@code "select" integer} and 3 a
 * 63-byte multibyte name of type text, both set in every row; {@code p % 100 == 50} is {@code integer GENERATED
 * ALWAYS AS (id + p) STORED}; {@code p % 100 == 75} is {@code integer GENERATED ALWAYS AS (id * p) VIRTUAL}; {@code
 * p % 100 == 99} is NULL in every row; any other has type {@code TYPES[p % TYPES.size()]} and a value in
 * {@code 1 + p % 3} of the rows. The {@linkplain #typeStatements() types} it uses are made apart, once a database.
 *
 * <pre>{@code
 * WideTable wide = new WideTable("public", "wide", WideTable.MAX_ATTRIBUTES, Set.of(10, 20));
 * postgres.execute(database, WideTable.typeStatements());
 * postgres.execute(database, wide.statements().toArray(String[]::new));
 * }</pre>
 */
public final class WideTable {
    /** PostgreSQL's limit of attributes a table (MaxHeapAttributeNumber), dropped ones included. */
    public static final int MAX_ATTRIBUTES = 1600;
    public static final int ROWS = 8;

    /** A type of the table: as written in {@code CREATE TABLE}, a value of it, and as {@code format_type} says. */
    private record Type(String definition, String literal, String formatted) {
    }

    private static final List<Type> TYPES = List.of(
            new Type("integer", "42", "integer"),
            new Type("bigint", "4200000000", "bigint"),
            new Type("smallint", "7", "smallint"),
            new Type("boolean", "true", "boolean"),
            new Type("text", "'some text'", "text"),
            new Type("varchar(10)", "'v'", "character varying(10)"),
            new Type("numeric(10,2)", "12.5", "numeric(10,2)"),
            new Type("double precision", "0.5", "double precision"),
            new Type("date", "'2025-01-31'", "date"),
            new Type("timestamptz", "'2025-01-31 12:00:00+00'", "timestamp with time zone"),
            new Type("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "uuid"),
            new Type("bytea", "'\\x00ff10'", "bytea"),
            new Type("jsonb", "'{\"k\": [1, \"two\"]}'", "jsonb"),
            new Type("json", "'[1, 2]'", "json"),
            new Type("integer[]", "'{1,2,3}'", "integer[]"),
            new Type("text[]", "'{a,\"b c\"}'", "text[]"),
            new Type("wide_pair", "'(1,x)'", "wide_pair"),
            new Type("wide_pair[]", "'{\"(1,x)\",\"(2,y)\"}'", "wide_pair[]"),
            new Type("wide_positive", "5", "wide_positive"),
            new Type("wide_mood", "'happy'", "wide_mood"),
            new Type("interval", "'1 day 2 hours'", "interval"),
            new Type("inet", "'10.0.0.1'", "inet"),
            new Type("\"char\"", "'x'", "\"char\""),
            new Type("int4range", "'[1,5)'", "int4range"));

    /**
     * A column as the catalog is expected to show it.
     *
     * @param generated    the generation expression as {@code pg_get_expr} gives it, or null
     * @param nonNullCount the non-null values in the {@value #ROWS} rows; null for a virtual generated column, which
     *                     Rehearsal does not count
     */
    public record Column(int position, String name, String type, String generated, Long nonNullCount) {
        /** The name as SQL writes it, always quoted. */
        public String quoted() {
            return TestPostgres.quoteIdentifier(name);
        }

        boolean virtual() {
            return generated != null && nonNullCount == null;
        }
    }

    private final String schema;
    private final String name;
    private final int attributes;
    private final Set<Integer> dropped;
    private final boolean virtual;

    /**
     * @param attributes how many columns {@code CREATE TABLE} makes, at most {@value #MAX_ATTRIBUTES}
     * @param dropped    the positions of those to drop afterwards (neither 1, 2 nor 3)
     */
    public WideTable(String schema, String name, int attributes, Set<Integer> dropped) {
        this(schema, name, attributes, dropped, true);
    }

    private WideTable(String schema, String name, int attributes, Set<Integer> dropped, boolean virtual) {
        if (attributes < 3 || attributes > MAX_ATTRIBUTES || dropped.stream().anyMatch(p -> p <= 3 || p > attributes)) {
            throw new IllegalArgumentException("3 to " + MAX_ATTRIBUTES + " attributes, dropping none of the first "
                    + "three: " + attributes + ", " + dropped);
        }
        this.schema = schema;
        this.name = name;
        this.attributes = attributes;
        this.dropped = new TreeSet<>(dropped);
        this.virtual = virtual;
    }

    /** This table with stored generated columns where it has virtual ones: for PostgreSQL before 18. */
    public WideTable withoutVirtualColumns() {
        return new WideTable(schema, name, attributes, dropped, false);
    }

    /** The types the table uses, in {@code public}: run once in a database before {@link #statements()}. */
    public static String[] typeStatements() {
        return new String[] {"CREATE TYPE public.wide_pair AS (a integer, b text)",
                "CREATE DOMAIN public.wide_positive AS integer CHECK (VALUE > 0)",
                "CREATE TYPE public.wide_mood AS ENUM ('sad', 'happy')"};
    }

    /** {@code CREATE SCHEMA IF NOT EXISTS}, {@code CREATE TABLE}, one {@code INSERT} a row, then the drops. */
    public List<String> statements() {
        List<String> statements = new ArrayList<>();
        statements.add("CREATE SCHEMA IF NOT EXISTS " + TestPostgres.quoteIdentifier(schema));
        statements.add("CREATE TABLE " + qualifiedName() + " (" + allColumns().stream().map(this::definition)
                .collect(Collectors.joining(", ")) + ")");
        for (int row = 0; row < ROWS; row++) {
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Column column : allColumns()) {
                if (column.generated() == null && inRow(column, row)) {
                    names.add(column.quoted());
                    values.add(column.position() == 1 ? String.valueOf(row + 1) : literal(column.position()));
                }
            }
            statements.add("INSERT INTO " + qualifiedName() + " (" + String.join(", ", names) + ") VALUES ("
                    + String.join(", ", values) + ")");
        }
        if (!dropped.isEmpty()) {
            statements.add("ALTER TABLE " + qualifiedName() + " " + dropped.stream()
                    .map(p -> "DROP COLUMN " + column(p).quoted()).collect(Collectors.joining(", ")));
        }
        return statements;
    }

    /** The statements as one SQL script, e.g. a migration's. */
    public String script() {
        return String.join(";\n", statements()) + ";\n";
    }

    public String schema() {
        return schema;
    }

    public String name() {
        return name;
    }

    /** {@code "schema"."name"}, always quoted. */
    public String qualifiedName() {
        return TestPostgres.quoteIdentifier(schema) + "." + TestPostgres.quoteIdentifier(name);
    }

    /** The columns that are not dropped, by position. */
    public List<Column> columns() {
        return allColumns().stream().filter(c -> !dropped.contains(c.position())).toList();
    }

    /** The column made at {@code position}, dropped or not. */
    public Column column(int position) {
        if (position < 1 || position > attributes) {
            throw new IllegalArgumentException("no column at " + position + " of " + attributes);
        }
        Long everyRow = (long) ROWS;
        return switch (position) {
            case 1 -> new Column(1, "id", "integer", null, everyRow);
            case 2 -> new Column(2, "select", "integer", null, everyRow);
            case 3 -> new Column(3, "ü".repeat(31) + "x", "text", null, everyRow);
            default -> switch (position % 100) {
                case 50 -> new Column(position, "stored " + position, "integer", "(id + " + position + ")",
                        everyRow);
                case 75 -> new Column(position, "Virtual" + position, "integer", "(id * " + position + ")",
                        virtual ? null : everyRow);
                case 99 -> new Column(position, "empty_" + position, type(position).formatted(), null, 0L);
                default -> new Column(position, name(position), type(position).formatted(), null,
                        (long) (1 + position % 3));
            };
        };
    }

    private List<Column> allColumns() {
        List<Column> columns = new ArrayList<>();
        for (int p = 1; p <= attributes; p++) {
            columns.add(column(p));
        }
        return columns;
    }

    private static String name(int position) {
        return switch (position % 6) {
            case 0 -> "Col_" + position;
            case 1 -> "c" + position + " with space";
            case 2 -> "q\"" + position;
            case 3 -> {
                String stem = "long_" + position + "_";
                yield stem + "x".repeat(63 - stem.length());
            }
            case 4 -> "pct%" + position + "%I";
            default -> "c" + position;
        };
    }

    private static Type type(int position) {
        return TYPES.get(position % TYPES.size());
    }

    private String definition(Column column) {
        return switch (column.position()) {
            case 1 -> column.quoted() + " integer PRIMARY KEY";
            case 2 -> column.quoted() + " integer";
            case 3 -> column.quoted() + " text";
            default -> column.quoted() + " " + (column.generated() != null ? "integer GENERATED ALWAYS AS "
                    + column.generated() + (column.virtual() ? " VIRTUAL" : " STORED")
                    : type(column.position()).definition());
        };
    }

    private static String literal(int position) {
        return switch (position) {
            case 2 -> "2";
            case 3 -> "'three'";
            default -> type(position).literal();
        };
    }

    /** Whether row {@code row} (from 0) has a value in the column: its count of rows, spread by position. */
    private static boolean inRow(Column column, int row) {
        return column.nonNullCount() != null && Math.floorMod(row - column.position(), ROWS) < column.nonNullCount();
    }
}
