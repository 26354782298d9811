package dev.rehearsal.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.internal.PostgresParser;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.internal.PostgresParser.SyntaxError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queries the running version of the application runs, read before the branch is made: from the target's
 * {@code pg_stat_statements} (the normalized statements every role ran in the target database, with their call
 * counts; the extension must be loaded by {@code shared_preload_libraries} and created in the target database), and
 * from files of queries:
 * <ul>
 *   <li>SQL: statements separated by semicolons, as a test run or {@code psql} would write them;</li>
 *   <li>a PostgreSQL server log with {@code log_statement = 'all'} or {@code log_min_duration_statement}: its
 *       {@code statement:} and {@code execute <name>:} lines (never their {@code parameters:} details);</li>
 *   <li>JSON ({@code .json}): an array of {@code {"query": "...", "calls": 12}}, e.g. written by
 *       {@code psql -At -c "SELECT json_agg(json_build_object('query', query, 'calls', calls)) FROM pg_stat_statements"}.</li>
 * </ul>
 * Only queries are kept — {@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE} — and of a
 * file's, those that differ only by their constants count as one, run as often as they appear. Reports show a query
 * with its constants replaced by {@code $1}, {@code $2}, ...: no value the application sent is ever printed.
 */
public final class RunningQueries {
    private static final Logger LOG = LoggerFactory.getLogger("dev.rehearsal.Rehearsal");
    /** At most this many queries, the most run first, are planned: more cost time and say little more. */
    public static final int LIMIT = 500;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> QUERY_NODES = Set.of("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt",
            "MergeStmt");
    /** A server log line's message that carries a statement; the statement runs on, over lines starting with a tab. */
    private static final Pattern LOGGED = Pattern.compile(
            "\\bLOG:\\s+(?:duration: [0-9.]+ ms\\s+)?(?:statement|execute [^:]*):\\s(.*)$");
    private static final Pattern CONTINUED = Pattern.compile("^\\t(.*)$");

    private RunningQueries() {
    }

    /**
     * A query the running version of the application runs, to be planned on the branch before and after the
     * migrations.
     *
     * @param sql        the text planned: {@code pg_stat_statements}' normalized text ({@code $1} where the
     *                   application sent a value), or the text a file gave, literals and all
     * @param shown      the text reports show, every constant replaced by {@code $1}, {@code $2}, ... so that no value
     *                   the application sent is ever printed
     * @param calls      how often it ran (in {@code pg_stat_statements} since its last reset; in a file, how often it
     *                   appears)
     * @param source     where it was read, e.g. {@code pg_stat_statements of shop} or {@code queries.sql}
     * @param role       the role that ran it, or null when not known
     * @param searchPath the {@code search_path} it ran with, as its role's and database's settings give it (with
     *                   {@code $user} resolved), or null for the branch's default
     */
    public record Query(String sql, String shown, long calls, String source, String role, String searchPath) {
        /** The most run first. */
        static final Comparator<Query> MOST_RUN_FIRST = Comparator.comparingLong(Query::calls).reversed();

        public Query {
            Objects.requireNonNull(sql, "sql");
            Objects.requireNonNull(shown, "shown");
            Objects.requireNonNull(source, "source");
        }

        /** This query, run as often again as {@code other} (the same query, read twice). */
        Query plus(Query other) {
            return new Query(sql, shown, calls + other.calls, source, role, searchPath);
        }
    }

    /**
     * What the planner made of a query: its estimated cost, the tables it reads or writes, the indexes it uses and
     * the tables it reads whole — read from {@code EXPLAIN (VERBOSE, FORMAT JSON)} of its generic plan.
     *
     * @param totalCost the plan's estimated total cost
     * @param relations the tables (and materialized views) the plan reads or writes
     * @param indexes   the indexes the plan uses
     * @param seqScans  the tables the plan reads whole
     */
    public record Plan(double totalCost, Set<Relation> relations, Set<IndexUse> indexes, Set<Relation> seqScans) {
        public Plan {
            relations = Set.copyOf(relations);
            indexes = Set.copyOf(indexes);
            seqScans = Set.copyOf(seqScans);
        }

        /** A relation of a plan, by schema and name as the catalog spells them (unquoted). */
        public record Relation(String schema, String name) {
        }

        /** An index a plan uses, by name, and its table. */
        public record IndexUse(Relation table, String index) {
        }

        /** The plan {@code EXPLAIN (VERBOSE, FORMAT JSON)} prints: an array holding one {@code {"Plan": ...}}. */
        static Plan of(JsonNode explained) {
            JsonNode plan = explained.path(0).path("Plan");
            Set<Relation> relations = new LinkedHashSet<>();
            Set<IndexUse> indexes = new LinkedHashSet<>();
            Set<Relation> seqScans = new LinkedHashSet<>();
            walk(plan, null, relations, indexes, seqScans);
            return new Plan(plan.path("Total Cost").asDouble(), relations, indexes, seqScans);
        }

        /**
         * Every node from {@code node} down. A bitmap index scan names its index only: its table is that of the
         * bitmap heap scan above it, handed down as {@code above}.
         */
        private static void walk(JsonNode node, Relation above, Set<Relation> relations, Set<IndexUse> indexes,
                                 Set<Relation> seqScans) {
            Relation relation = above;
            if (node.hasNonNull("Relation Name")) {
                relation = new Relation(node.path("Schema").asText("public"), node.path("Relation Name").asText());
                relations.add(relation);
                if (node.path("Node Type").asText().equals("Seq Scan")) {
                    seqScans.add(relation);
                }
            }
            if (node.hasNonNull("Index Name") && relation != null) {
                indexes.add(new IndexUse(relation, node.path("Index Name").asText()));
            }
            for (JsonNode child : node.path("Plans")) {
                walk(child, relation, relations, indexes, seqScans);
            }
        }
    }

    /**
     * The running version's queries as the branch planned them before the migrations — the target's schema, in
     * effect — for {@link Check}s to plan again on the migrated branch and compare. A query that did not plan before
     * the migrations (a temporary table of the application's, a type it cannot infer) is left out: the migrations did
     * not break it.
     *
     * @param queries the queries that planned, the most run first, each with its plan
     */
    public record Workload(List<Planned> queries) {
        public Workload {
            queries = List.copyOf(queries);
        }

        /** A query of the running version and its plan on the branch before the migrations. */
        public record Planned(Query query, Plan before) {
        }

        /** No queries: none were read, or none given. */
        public static Workload none() {
            return new Workload(List.of());
        }

        /** True when there is no query to check. */
        public boolean isEmpty() {
            return queries.isEmpty();
        }

        /**
         * Plans {@code queries} on {@code branch}, before the migrations, the most run first. Those that touch no
         * table of the application (only the catalog, or nothing) and those that do not plan are left out.
         *
         * @throws SQLException when the branch cannot be reached
         */
        public static Workload plan(DataSource branch, List<Query> queries) throws SQLException {
            List<Planned> planned = new ArrayList<>();
            int unplanned = 0;
            try (QueryPlanner planner = QueryPlanner.open(branch)) {
                // from several sources (files, the statistics): planned, and kept, the most run first
                for (Query query : queries.stream().sorted(Query.MOST_RUN_FIRST).toList()) {
                    QueryPlanner.Result result = planner.plan(query);
                    if (!result.planned()) {
                        unplanned++;
                        LOG.debug("A running query did not plan on the branch before the migrations ({}), left out: "
                                + "{}", result.sqlState(), query.shown());
                    } else if (result.plan().relations().stream().anyMatch(r -> !r.schema().equals("pg_catalog")
                            && !r.schema().equals("information_schema"))) {
                        planned.add(new Planned(query, result.plan()));
                    }
                }
            }
            LOG.info("Planned {} of the running version's queries on the branch{}", planned.size(), unplanned == 0
                    ? "" : " (" + unplanned + " more did not plan before the migrations either, and are left out)");
            return new Workload(planned);
        }
    }

    /**
     * Where a run reads the running version's queries.
     *
     * @param statementStatistics whether to read the target's {@code pg_stat_statements}
     * @param files               files of queries (see the class comment)
     */
    public record Sources(boolean statementStatistics, List<Path> files) {
        public Sources {
            files = List.copyOf(files);
        }

        /** The target's {@code pg_stat_statements}, no file. */
        public static Sources defaults() {
            return new Sources(true, List.of());
        }

        /** True when no source is read. */
        public boolean isEmpty() {
            return !statementStatistics && files.isEmpty();
        }
    }

    /**
     * What was read from the target's {@code pg_stat_statements}.
     *
     * @param queries the queries, the most run first
     * @param skipped why nothing was read (the extension is not there, not loaded, not readable), with how to enable
     *                it; null when it was read
     * @param hidden  the statements whose text the role may not read (other roles' without {@code pg_read_all_stats})
     */
    public record Read(List<Query> queries, String skipped, int hidden) {
        public Read {
            queries = List.copyOf(queries);
        }
    }

    /**
     * Reads the queries run in the connection's database from its {@code pg_stat_statements}, the {@link #LIMIT}
     * most run, with each role's search path. Reads statistics and settings only, never a row of a table.
     *
     * @throws SQLException when the database cannot be read for another reason than the extension's absence
     */
    public static Read fromStatementStatistics(Connection target) throws SQLException {
        String database = target.getCatalog();
        String schema;
        try (Statement statement = target.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                        + "WHERE e.extname = 'pg_stat_statements'")) {
            if (!rows.next()) {
                return skipped("the extension pg_stat_statements is not created in database " + database + ". To "
                        + "check them, load it (shared_preload_libraries = 'pg_stat_statements', then restart) and run "
                        + "CREATE EXTENSION pg_stat_statements in " + database + "; or give the queries in a file with "
                        + Setting.QUERIES_FILE.spelled());
            }
            schema = rows.getString(1);
        }
        Map<String, Query> byText = new LinkedHashMap<>();
        int hidden = 0;
        String source = "pg_stat_statements of " + database;
        Map<String, String> paths = new HashMap<>();
        try (PreparedStatement statement = target.prepareStatement("SELECT s.query, sum(s.calls)::bigint AS calls, "
                + "pg_get_userbyid(s.userid) AS role FROM " + Sql.quote(schema) + ".pg_stat_statements s "
                + "WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "GROUP BY s.query, s.userid ORDER BY calls DESC, s.query LIMIT 5000");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next() && byText.size() < LIMIT) {
                String text = rows.getString(1);
                if (text == null || text.equals("<insufficient privilege>")) {
                    hidden++;
                    continue;
                }
                String role = rows.getString(3);
                String shown = shownIfQuery(text);
                if (shown == null) {
                    continue;
                }
                String path = paths.computeIfAbsent(role == null ? "" : role, r -> searchPath(target, r));
                byText.merge(shown + "\u0000" + path, new Query(text, shown, rows.getLong(2), source, role,
                        path), Query::plus);
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("55000")) {
                return skipped("pg_stat_statements is created in database " + database + " but not loaded: add it to "
                        + "shared_preload_libraries and restart the server to check them");
            }
            if (state.equals("42501")) {
                return skipped("the role may not read pg_stat_statements in " + database + " (" + e.getMessage()
                        + "): GRANT pg_read_all_stats to it to check them");
            }
            throw e;
        }
        return new Read(byText.values().stream().sorted(Query.MOST_RUN_FIRST).toList(), null, hidden);
    }

    private static Read skipped(String why) {
        return new Read(List.of(), why, 0);
    }

    /**
     * The search path {@code role} runs with in the connection's database: its setting for this database, else its
     * own, else the database's, else this session's; {@code $user} resolved to the role. Null when it cannot be told.
     */
    private static String searchPath(Connection target, String role) {
        if (role.isEmpty()) {
            return null;
        }
        try (PreparedStatement statement = target.prepareStatement("""
                SELECT coalesce(
                  (SELECT c FROM pg_db_role_setting s, unnest(s.setconfig) c
                   WHERE s.setrole = r.oid AND s.setdatabase = d.oid AND c LIKE 'search\\_path=%'),
                  (SELECT c FROM pg_db_role_setting s, unnest(s.setconfig) c
                   WHERE s.setrole = r.oid AND s.setdatabase = 0 AND c LIKE 'search\\_path=%'),
                  (SELECT c FROM pg_db_role_setting s, unnest(s.setconfig) c
                   WHERE s.setrole = 0 AND s.setdatabase = d.oid AND c LIKE 'search\\_path=%'),
                  'search_path=' || current_setting('search_path'))
                FROM pg_roles r, pg_database d WHERE r.rolname = ? AND d.datname = current_database()""")) {
            statement.setString(1, role);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next() || rows.getString(1) == null) {
                    return null;
                }
                String path = rows.getString(1).substring("search_path=".length());
                return path.replace("\"$user\"", Sql.quote(role)).replaceAll("(?<![\\w\"])\\$user\\b",
                        Matcher.quoteReplacement(Sql.quote(role)));
            }
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * Reads a file of queries (see the class comment).
     *
     * @throws ConfigurationException when the file cannot be read or holds no query, naming it and the setting
     */
    public static List<Query> fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(named(file) + ": the file does not exist: give a file of the queries the "
                    + "running application runs (SQL, a PostgreSQL log or pg_stat_statements as JSON)");
        } catch (IOException e) {
            throw new ConfigurationException(named(file) + ": the file cannot be read: " + e, e);
        }
        List<String> statements;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            return grouped(file, jsonQueries(file, text));
        }
        statements = text.lines().anyMatch(line -> LOGGED.matcher(line).find())
                ? loggedStatements(text) : sqlStatements(file, text);
        Map<String, Long> counted = new LinkedHashMap<>();
        statements.forEach(statement -> counted.merge(statement, 1L, Long::sum));
        return grouped(file, counted);
    }

    /** The queries among {@code texts} (with how often each ran), those alike but for constants counted as one. */
    private static List<Query> grouped(Path file, Map<String, Long> texts) {
        Map<String, Query> byShown = new LinkedHashMap<>();
        String source = file.getFileName().toString();
        texts.forEach((text, calls) -> {
            String shown = shownIfQuery(text);
            if (shown != null) {
                byShown.merge(shown, new Query(text.strip(), shown, calls, source, null, null), Query::plus);
            }
        });
        if (byShown.isEmpty()) {
            throw new ConfigurationException(named(file) + ": the file holds no query (SELECT, INSERT, UPDATE, "
                    + "DELETE or MERGE): give the queries the running application runs");
        }
        return byShown.values().stream().sorted(Query.MOST_RUN_FIRST).limit(LIMIT).toList();
    }

    private static Map<String, Long> jsonQueries(Path file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(named(file) + ": the file is not valid JSON: " + e.getOriginalMessage()
                    + ". Give an array of {\"query\": \"...\", \"calls\": 12}", e);
        }
        if (root == null || !root.isArray()) {
            throw new ConfigurationException(named(file) + ": the file must be a JSON array of "
                    + "{\"query\": \"...\", \"calls\": 12}");
        }
        Map<String, Long> queries = new LinkedHashMap<>();
        for (JsonNode entry : root) {
            JsonNode query = entry.path("query");
            if (!query.isTextual()) {
                throw new ConfigurationException(named(file) + ": an entry has no \"query\" text: each must be "
                        + "{\"query\": \"...\", \"calls\": 12} (\"calls\" optional)");
            }
            queries.merge(query.asText(), Math.max(1, entry.path("calls").asLong(1)), Long::sum);
        }
        return queries;
    }

    /** The statements of a server log's {@code statement:} and {@code execute} lines, with their continuations. */
    private static List<String> loggedStatements(String log) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = null;
        for (String line : log.split("\r?\n")) {
            Matcher logged = LOGGED.matcher(line);
            Matcher continued = CONTINUED.matcher(line);
            if (logged.find()) {
                add(statements, current);
                current = new StringBuilder(logged.group(1));
            } else if (current != null && continued.matches()) {
                current.append('\n').append(continued.group(1));
            } else {
                add(statements, current);
                current = null;
            }
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder statement) {
        if (statement != null && !statement.toString().isBlank()) {
            statements.add(statement.toString().strip());
        }
    }

    /** The statements of a SQL text, as PostgreSQL's grammar splits it. */
    private static List<String> sqlStatements(Path file, String sql) {
        JsonNode tree;
        try {
            tree = PostgresParser.get().parse(sql);
        } catch (SyntaxError e) {
            throw new ConfigurationException(named(file) + ": the file is neither SQL PostgreSQL parses ("
                    + e.getMessage() + ") nor a PostgreSQL log with statement lines", e);
        }
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        List<String> statements = new ArrayList<>();
        for (JsonNode statement : tree.path("stmts")) {
            int start = statement.path("stmt_location").asInt(0);
            int length = statement.path("stmt_len").asInt(0);
            int end = length == 0 ? bytes.length : Math.min(bytes.length, start + length);
            statements.add(new String(bytes, start, end - start, StandardCharsets.UTF_8).strip());
        }
        return statements;
    }

    /**
     * The text to show for {@code sql} — its constants replaced by parameter symbols — when it is one query
     * ({@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE}); null for anything else (a
     * utility statement, several statements, text that does not parse).
     */
    static String shownIfQuery(String sql) {
        try {
            JsonNode statements = PostgresParser.get().parse(sql).path("stmts");
            if (statements.size() != 1) {
                return null;
            }
            String node = statements.get(0).path("stmt").fieldNames().next();
            return QUERY_NODES.contains(node) ? PostgresParser.get().normalize(sql).strip() : null;
        } catch (SyntaxError | RuntimeException e) {
            return null;
        }
    }

    private static String named(Path file) {
        return Setting.QUERIES_FILE.spelled(file.toString());
    }
}
