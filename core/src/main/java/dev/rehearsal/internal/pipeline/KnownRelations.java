package dev.rehearsal.internal.pipeline;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The tables, indexes and materialized views that exist before the migrations run, with their storage file and size,
 * read once from the branch. The tracer compares against them to tell rewrites and locks on existing relations.
 */
final class KnownRelations {
    /** Relations of user schemas only: OIDs below 16384 belong to the system. */
    private static final String QUERY = "SELECT c.oid, format('%I.%I', n.nspname, c.relname), c.relkind, "
            + "pg_relation_filenode(c.oid), pg_relation_size(c.oid) FROM pg_class c "
            + "JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.relkind IN ('r', 'p', 'i', 'm') AND c.oid >= 16384 "
            + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'";

    /** A relation as it was before the migrations. */
    public record Relation(long oid, String name, String kind, long filenode, long sizeBytes) {
    }

    private final Map<Long, Relation> byOid;
    private final String oidList;

    private KnownRelations(Map<Long, Relation> byOid) {
        this.byOid = Map.copyOf(byOid);
        this.oidList = byOid.keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    /** Reads the relations of the database the connection is on. */
    public static KnownRelations read(Connection connection) throws SQLException {
        Map<Long, Relation> relations = new HashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
            while (rows.next()) {
                relations.put(rows.getLong(1), new Relation(rows.getLong(1), rows.getString(2),
                        kind(rows.getString(3)), rows.getLong(4), rows.getLong(5)));
            }
        }
        return new KnownRelations(relations);
    }

    /** The relations of {@code database} now, read on a connection of its own. */
    public static KnownRelations read(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection()) {
            return read(connection);
        }
    }

    /** No relations: every lock is on something new, nothing can be rewritten. */
    public static KnownRelations none() {
        return new KnownRelations(Map.of());
    }

    public Optional<Relation> get(long oid) {
        return Optional.ofNullable(byOid.get(oid));
    }

    public Collection<Relation> all() {
        return byOid.values();
    }

    /** Their OIDs, comma-separated (empty when there are none), for a query parameter. */
    String oidList() {
        return oidList;
    }

    private static String kind(String relkind) {
        return switch (relkind) {
            case "i" -> "index";
            case "m" -> "materialized view";
            case "p" -> "partitioned table";
            default -> "table";
        };
    }
}
