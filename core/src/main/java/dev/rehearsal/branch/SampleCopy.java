package dev.rehearsal.branch;

import dev.rehearsal.DatabaseLocation;
import dev.rehearsal.internal.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a sample into a branch whose tables exist but have no constraints or indexes yet (pg_restore's pre-data
 * section): at most N rows of each table, then — until nothing is missing — every row that a loaded row references
 * through a foreign key, all read in the source's one snapshot. Following references to a fixpoint is what makes
 * cycles and self references safe: each round only adds rows that are referenced and absent, so it ends, at worst
 * with whole tables.
 */
final class SampleCopy {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopyBranchProvider.class);

    private record ForeignKey(String name, String child, List<String> childColumns, String parent,
                              List<String> parentColumns, List<String> types) {
    }

    private final Connection source;
    private final Connection branch;
    private final Path work;

    private SampleCopy(Connection source, Connection branch, Path work) {
        this.source = source;
        this.branch = branch;
        this.work = work;
    }

    /**
     * @param source a connection in the copy's snapshot transaction
     * @return the rows loaded
     */
    static long copy(Connection source, DatabaseLocation branch, int rowsPerTable, Path work) throws SQLException {
        try (Connection target = Sql.connect(branch, "the new branch")) {
            return new SampleCopy(source, target, work).load(rowsPerTable);
        }
    }

    private long load(int rowsPerTable) throws SQLException {
        long rows = 0;
        // leaf tables: partitions are sampled each, a partitioned table only routes
        for (String table : strings("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', "
                + "'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1")) {
            String columns = columns(table);
            rows += transfer("SELECT " + columns + " FROM " + table + " LIMIT " + rowsPerTable, table, columns);
        }
        List<ForeignKey> keys = foreignKeys();
        int rounds = 0;
        long added;
        do {
            added = 0;
            rounds++;
            for (ForeignKey key : keys) {
                added += fetchMissing(key);
            }
            rows += added;
        } while (added > 0);
        copySequences();
        LOG.info("Sampled {} rows (at most {} a table, plus the rows they reference; {} round(s) of references)",
                rows, rowsPerTable, rounds);
        return rows;
    }

    /** Copies the rows of {@code key}'s parent that loaded rows reference and that are not loaded yet. */
    private long fetchMissing(ForeignKey key) throws SQLException {
        int n = key.childColumns().size();
        StringBuilder select = new StringBuilder("SELECT DISTINCT ");
        StringBuilder where = new StringBuilder(" WHERE ");
        StringBuilder match = new StringBuilder();
        for (int i = 0; i < n; i++) {
            select.append(i > 0 ? ", " : "").append("c.").append(key.childColumns().get(i)).append("::text");
            where.append(i > 0 ? " AND " : "").append("c.").append(key.childColumns().get(i)).append(" IS NOT NULL");
            match.append(i > 0 ? " AND " : "").append("p.").append(key.parentColumns().get(i)).append(" = c.")
                    .append(key.childColumns().get(i));
        }
        List<List<String>> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            missing.add(new ArrayList<>());
        }
        try (Statement statement = branch.createStatement();
             ResultSet rows = statement.executeQuery(select + " FROM " + key.child() + " c" + where
                     + " AND NOT EXISTS (SELECT 1 FROM " + key.parent() + " p WHERE " + match + ")")) {
            while (rows.next()) {
                for (int i = 0; i < n; i++) {
                    missing.get(i).add(rows.getString(i + 1));
                }
            }
        }
        if (missing.get(0).isEmpty()) {
            return 0;
        }
        StringBuilder unnest = new StringBuilder();
        for (int i = 0; i < n; i++) {
            unnest.append(i > 0 ? ", " : "").append(literal(missing.get(i))).append("::text[]::")
                    .append(key.types().get(i)).append("[]");
        }
        StringBuilder tuple = new StringBuilder();
        for (int i = 0; i < n; i++) {
            tuple.append(i > 0 ? ", " : "").append(key.parentColumns().get(i));
        }
        String columns = columns(key.parent());
        return transfer("SELECT " + columns + " FROM " + key.parent() + " WHERE (" + tuple + ") IN (SELECT * FROM "
                + "unnest(" + unnest + "))", key.parent(), columns);
    }

    /** An array literal, quoted by the source server itself. */
    private String literal(List<String> values) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("SELECT quote_literal(?::text[]::text)")) {
            Array array = source.createArrayOf("text", values.toArray());
            statement.setArray(1, array);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** {@code COPY (query) TO STDOUT} on the source into {@code COPY table (columns) FROM STDIN} on the branch. */
    private long transfer(String query, String table, String columns) throws SQLException {
        CopyManager out = source.unwrap(PGConnection.class).getCopyAPI();
        CopyManager in = branch.unwrap(PGConnection.class).getCopyAPI();
        Path file = null;
        try {
            file = Files.createTempFile(work, "sample-", ".copy");
            try (OutputStream stream = Files.newOutputStream(file)) {
                out.copyOut("COPY (" + query + ") TO STDOUT (FORMAT binary)", stream);
            }
            try (InputStream stream = Files.newInputStream(file)) {
                return in.copyIn("COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)", stream);
            }
        } catch (IOException e) {
            throw new SQLException("Could not pass the sample of " + table + " through " + work + ": "
                    + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("Could not delete {}", file, e);
                }
            }
        }
    }

    /** The columns a row is copied by: not dropped, not generated (those are computed again). */
    private String columns(String table) throws SQLException {
        try (PreparedStatement statement = source.prepareStatement("SELECT string_agg(quote_ident(attname), ', ' "
                + "ORDER BY attnum) FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 "
                + "AND NOT attisdropped AND attgenerated = ''")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private List<ForeignKey> foreignKeys() throws SQLException {
        List<ForeignKey> keys = new ArrayList<>();
        try (Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery("SELECT k.conname, k.conrelid::regclass::text, "
                     + "k.confrelid::regclass::text, (SELECT array_agg(quote_ident(a.attname) ORDER BY x.i) "
                     + "FROM unnest(k.conkey) WITH ORDINALITY x(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid "
                     + "AND a.attnum = x.n), (SELECT array_agg(quote_ident(a.attname) ORDER BY x.i) "
                     + "FROM unnest(k.confkey) WITH ORDINALITY x(n, i) JOIN pg_attribute a ON a.attrelid = k.confrelid "
                     + "AND a.attnum = x.n), (SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY x.i) "
                     + "FROM unnest(k.confkey) WITH ORDINALITY x(n, i) JOIN pg_attribute a ON a.attrelid = k.confrelid "
                     + "AND a.attnum = x.n) FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace "
                     + "WHERE k.contype = 'f' AND k.conparentid = 0 AND n.nspname NOT IN ('pg_catalog', "
                     + "'information_schema') ORDER BY 2, 1")) {
            while (rows.next()) {
                keys.add(new ForeignKey(rows.getString(1), rows.getString(2), texts(rows.getArray(4)),
                        rows.getString(3), texts(rows.getArray(5)), texts(rows.getArray(6))));
            }
        }
        return keys;
    }

    /** Sequences as far as on the source (a schema-only dump leaves them at their start). */
    private void copySequences() throws SQLException {
        List<String> sequences = strings("SELECT format('%I.%I', schemaname, sequencename) || '|' || last_value "
                + "FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname NOT IN ('pg_catalog', "
                + "'information_schema')");
        try (PreparedStatement setval = branch.prepareStatement("SELECT setval(?::regclass, ?)")) {
            for (String sequence : sequences) {
                int bar = sequence.lastIndexOf('|');
                setval.setString(1, sequence.substring(0, bar));
                setval.setLong(2, Long.parseLong(sequence.substring(bar + 1)));
                setval.executeQuery().close();
            }
        }
    }

    private List<String> strings(String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = source.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static List<String> texts(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
