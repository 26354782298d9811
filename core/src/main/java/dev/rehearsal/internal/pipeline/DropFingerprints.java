package dev.rehearsal.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.internal.PostgresParser;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.ContentFingerprint.ContentHash;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Takes the {@link ContentFingerprint}s of what a statement is about to drop: the tables ({@code DROP TABLE}) and
 * columns ({@code ALTER TABLE ... DROP COLUMN}) of tables that existed before the migrations, on the migration's own
 * connection, so in its transaction: the copy a swap makes is usually made by the same transaction and visible to it
 * alone. Inside a transaction each fingerprint runs under a savepoint, so that a failing one (a
 * {@code statement_timeout} the migration set, say) is rolled back alone and the migration's transaction goes on as if
 * nothing had happened; in an aborted transaction none is taken.
 */
final class DropFingerprints {
    /** Cheap test first: a statement that does not say DROP is not parsed. */
    private static final Pattern MAY_DROP = Pattern.compile("\\bdrop\\b", Pattern.CASE_INSENSITIVE);
    private static final String SAVEPOINT = "rehearsal_fingerprint";
    /** The table a name means on this connection (its search_path), with its columns and primary key, by position. */
    private static final String RESOLVE = "/* rehearsal:fingerprint */ SELECT c.oid::int8, format('%I.%I', n.nspname, "
            + "c.relname), ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
            + "AND NOT a.attisdropped ORDER BY a.attnum), ARRAY(SELECT a.attnum::int4 FROM pg_attribute a "
            + "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), "
            + "ARRAY(SELECT a.attname::text FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY "
            + "k(attnum, position) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            + "WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.position) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE c.oid = to_regclass(?::text) AND c.relkind IN ('r', 'p')";

    private DropFingerprints() {
    }

    /**
     * A table the statement drops, or the table of a column it drops, as the statement names it.
     *
     * @param schema null when the name is not qualified (the search_path decides)
     * @param column null when the table itself is dropped
     */
    record Target(String schema, String table, String column) {
        String regclass() {
            return (schema == null ? "" : Sql.quote(schema) + ".") + Sql.quote(table);
        }
    }

    /** What {@code sql} drops, read from PostgreSQL's parse tree; empty for most statements, without parsing them. */
    static List<Target> targets(String sql) {
        List<Target> targets = new ArrayList<>();
        if (sql == null || !MAY_DROP.matcher(sql).find()) {
            return targets;
        }
        JsonNode tree;
        try {
            tree = PostgresParser.get().parse(sql);
        } catch (PostgresParser.SyntaxError e) {
            return targets;
        }
        for (JsonNode statement : tree.path("stmts")) {
            JsonNode drop = statement.path("stmt").path("DropStmt");
            if (drop.path("removeType").asText().equals("OBJECT_TABLE")) {
                for (JsonNode object : drop.path("objects")) {
                    List<String> names = new ArrayList<>();
                    object.path("List").path("items").forEach(name -> names.add(name.path("String").path("sval")
                            .asText()));
                    if (names.size() == 1 || names.size() == 2) {
                        targets.add(new Target(names.size() == 2 ? names.get(0) : null, names.get(names.size() - 1),
                                null));
                    }
                }
            }
            JsonNode alter = statement.path("stmt").path("AlterTableStmt");
            if (alter.path("objtype").asText().equals("OBJECT_TABLE")) {
                JsonNode relation = alter.path("relation");
                for (JsonNode command : alter.path("cmds")) {
                    JsonNode cmd = command.path("AlterTableCmd");
                    if (cmd.path("subtype").asText().equals("AT_DropColumn")) {
                        targets.add(new Target(relation.path("schemaname").asText(null),
                                relation.path("relname").asText(), cmd.path("name").asText()));
                    }
                }
            }
        }
        return targets;
    }

    /**
     * Fingerprints the targets that are tables, or columns of tables, that existed before the migrations ({@code
     * known}); the others (made by the migrations, or missing: {@code IF EXISTS}) are left out.
     *
     * @param connection the migration's connection, not the tracer's proxy of it
     */
    static List<ContentFingerprint> take(Connection connection, int sequence, List<Target> targets,
                                         KnownRelations known, long limitBytes) throws SQLException {
        List<ContentFingerprint> taken = new ArrayList<>();
        TransactionState state = connection.unwrap(BaseConnection.class).getTransactionState();
        if (state == TransactionState.FAILED) {
            return taken;
        }
        // Outside a transaction the queries are transactions of their own: nothing of the migration's to protect.
        boolean savepoint = state == TransactionState.OPEN || !connection.getAutoCommit();
        for (Target target : targets) {
            if (savepoint) {
                execute(connection, "SAVEPOINT " + SAVEPOINT);
            }
            Optional<Table> table = Optional.empty();
            try {
                table = resolve(connection, target, known);
                if (table.isPresent()) {
                    taken.add(table.get().fingerprint(connection, sequence, limitBytes));
                }
                if (savepoint) {
                    execute(connection, "RELEASE SAVEPOINT " + SAVEPOINT);
                }
            } catch (SQLException e) {
                if (savepoint) {
                    execute(connection, "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                    execute(connection, "RELEASE SAVEPOINT " + SAVEPOINT);
                }
                table.ifPresent(t -> taken.add(t.skipped(sequence, "the hash could not be taken: " + e.getMessage())));
            }
        }
        return taken;
    }

    /** A table that existed before, as it is at the drop; {@code column} is null when the table itself goes. */
    private record Table(long oid, String name, List<String> columns, List<Integer> positions, List<String> primaryKey,
                         String column) {
        ContentFingerprint fingerprint(Connection connection, int sequence, long limitBytes) throws SQLException {
            Optional<String> tooLarge = ContentHash.tooLarge(connection, oid, limitBytes);
            if (tooLarge.isPresent()) {
                return skipped(sequence, tooLarge.get());
            }
            return new ContentFingerprint(sequence, oid, name, columnNumber(), column, key(), hashed(),
                    ContentHash.of(connection, name, key(), hashed(), column), null);
        }

        ContentFingerprint skipped(int sequence, String why) {
            return new ContentFingerprint(sequence, oid, name, columnNumber(), column, key(), hashed(), null, why);
        }

        private int columnNumber() {
            return column == null ? 0 : positions.get(columns.indexOf(column));
        }

        /** The row's identity for a column: its primary key, unless the column is part of it. */
        private List<String> key() {
            return column == null || primaryKey.contains(column) ? List.of() : primaryKey;
        }

        private List<String> hashed() {
            return column == null ? columns : List.of(column);
        }
    }

    private static Optional<Table> resolve(Connection connection, Target target, KnownRelations known)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RESOLVE)) {
            statement.setString(1, target.regclass());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next() || known.get(row.getLong(1)).isEmpty()) {
                    return Optional.empty();
                }
                List<String> columns = Arrays.asList((String[]) array(row.getArray(3)));
                if (target.column() != null && !columns.contains(target.column())) {
                    return Optional.empty();
                }
                return Optional.of(new Table(row.getLong(1), row.getString(2), columns,
                        Arrays.asList((Integer[]) array(row.getArray(4))),
                        Arrays.asList((String[]) array(row.getArray(5))), target.column()));
            }
        }
    }

    private static Object array(Array array) throws SQLException {
        try {
            return array.getArray();
        } finally {
            array.free();
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
