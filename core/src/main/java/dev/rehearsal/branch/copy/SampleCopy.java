package dev.rehearsal.branch.copy;

import dev.rehearsal.api.DatabaseLocation;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /**
     * The most bytes of key values one statement carries. {@code COPY (query)} takes no parameters, so the keys of
     * the rows to fetch travel in its text: in batches, so that no statement grows with the number of rows missing.
     */
    static final int KEY_BYTES_PER_STATEMENT = 1 << 20;
    private static final String USER_SCHEMA = "NOT IN ('pg_catalog', 'information_schema')";

    private record ForeignKey(String name, String child, List<String> childColumns, String parent,
                              List<String> parentColumns, List<String> types) {
    }

    private final Connection source;
    private final Connection branch;
    private final Path work;
    /** The columns a row is copied by (not dropped, not generated: those are computed again), of each table. */
    private final Map<String, String> columns = new LinkedHashMap<>();

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
        for (String table : readTables()) {
            String list = columns.get(table);
            if (list == null) {
                LOG.debug("Table {} has no column to copy: no rows sampled", table);
                continue;
            }
            rows += transfer("SELECT " + list + " FROM " + table + " LIMIT " + rowsPerTable, table, list);
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

    /**
     * Reads the column lists of the tables and partitioned tables (in one query, however many there are) and
     * returns the leaf tables to sample: partitions are sampled each, a partitioned table only routes.
     */
    private List<String> readTables() throws SQLException {
        List<String> leaves = new ArrayList<>();
        onSource("SELECT format('%I.%I', n.nspname, c.relname), c.relkind = 'r', "
                + "(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a "
                + "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                + "AND n.nspname " + USER_SCHEMA + " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1", rows -> {
                    columns.put(rows.getString(1), rows.getString(3));
                    if (rows.getBoolean(2)) {
                        leaves.add(rows.getString(1));
                    }
                });
        return leaves;
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
        List<String[]> missing = new ArrayList<>();
        try (Statement statement = branch.createStatement();
             ResultSet rows = statement.executeQuery(select + " FROM " + key.child() + " c" + where
                     + " AND NOT EXISTS (SELECT 1 FROM " + key.parent() + " p WHERE " + match + ")")) {
            while (rows.next()) {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rows.getString(i + 1);
                }
                missing.add(values);
            }
        }
        long added = 0;
        int from = 0;
        while (from < missing.size()) {
            int to = from;
            long bytes = 0;
            while (to < missing.size() && (to == from || bytes < KEY_BYTES_PER_STATEMENT)) {
                for (String value : missing.get(to)) {
                    bytes += value.length();
                }
                to++;
            }
            added += fetch(key, missing.subList(from, to));
            from = to;
        }
        return added;
    }

    /** Copies the rows of {@code key}'s parent with these keys. */
    private long fetch(ForeignKey key, List<String[]> keys) throws SQLException {
        StringBuilder unnest = new StringBuilder();
        StringBuilder tuple = new StringBuilder();
        for (int i = 0; i < key.parentColumns().size(); i++) {
            int column = i;
            unnest.append(i > 0 ? ", " : "").append(literal(keys.stream().map(values -> values[column]).toList()))
                    .append("::text[]::").append(key.types().get(i)).append("[]");
            tuple.append(i > 0 ? ", " : "").append(key.parentColumns().get(i));
        }
        String list = columns.get(key.parent());
        return transfer("SELECT " + list + " FROM " + key.parent() + " WHERE (" + tuple + ") IN (SELECT * FROM "
                + "unnest(" + unnest + "))", key.parent(), list);
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

    /**
     * The foreign keys, their tables named in full: {@code regclass} output leaves out a schema on the source's
     * search path, which the branch's sessions need not have.
     */
    private List<ForeignKey> foreignKeys() throws SQLException {
        List<ForeignKey> keys = new ArrayList<>();
        onSource("SELECT k.conname, format('%I.%I', cn.nspname, c.relname), format('%I.%I', pn.nspname, p.relname), "
                + "(SELECT array_agg(quote_ident(a.attname) ORDER BY x.i) FROM unnest(k.conkey) WITH ORDINALITY "
                + "x(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n), "
                + "(SELECT array_agg(quote_ident(a.attname) ORDER BY x.i) FROM unnest(k.confkey) WITH ORDINALITY "
                + "x(n, i) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.n), "
                + "(SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY x.i) FROM unnest(k.confkey) "
                + "WITH ORDINALITY x(n, i) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.n) "
                + "FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace "
                + "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace "
                + "JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace "
                + "WHERE k.contype = 'f' AND k.conparentid = 0 AND n.nspname " + USER_SCHEMA + " ORDER BY 2, 1",
                rows -> keys.add(new ForeignKey(rows.getString(1), rows.getString(2), texts(rows.getArray(4)),
                        rows.getString(3), texts(rows.getArray(5)), texts(rows.getArray(6)))));
        return keys;
    }

    /**
     * Sequences as far as on the source (a schema-only dump leaves them at their start): all in one statement, the
     * names and values as two array parameters.
     */
    private void copySequences() throws SQLException {
        List<String> names = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        onSource("SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
                + "WHERE last_value IS NOT NULL AND schemaname " + USER_SCHEMA, rows -> {
                    names.add(rows.getString(1));
                    values.add(rows.getLong(2));
                });
        if (names.isEmpty()) {
            return;
        }
        try (PreparedStatement setval = branch.prepareStatement("SELECT count(setval(s.name::regclass, s.value)) "
                + "FROM unnest(?::text[], ?::int8[]) AS s(name, value)")) {
            setval.setArray(1, branch.createArrayOf("text", names.toArray()));
            setval.setArray(2, branch.createArrayOf("int8", values.toArray()));
            setval.executeQuery().close();
        }
    }

    private interface Row {
        void read(ResultSet rows) throws SQLException;
    }

    /** Runs a query on the source, in its snapshot, and reads each row. */
    private void onSource(String query, Row row) throws SQLException {
        try (Statement statement = source.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                row.read(rows);
            }
        }
    }

    private static List<String> texts(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
