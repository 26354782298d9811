package dev.rehearsal.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.internal.PostgresParser;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a statement would do beyond the database it runs in — to the server's other databases, its roles,
 * tablespaces or configuration, other sessions, other servers, or the server's files and programs — read from
 * PostgreSQL's own parse tree ({@link PostgresParser}).
 *
 * <p>A branch on the target's server shares all of that with the target: such a statement, run during a rehearsal,
 * would act on the real thing. What is recognised: {@code CREATE/ALTER/DROP DATABASE} (and renaming, owning,
 * commenting on, granting on a database), {@code CREATE/ALTER/DROP ROLE|USER|GROUP}, role membership
 * {@code GRANT/REVOKE}, {@code REASSIGN/DROP OWNED}, {@code ALTER SYSTEM} and {@code GRANT … ON PARAMETER},
 * tablespaces, subscriptions and {@code IMPORT FOREIGN SCHEMA} (they connect to other servers), {@code COPY} to or
 * from a server file or program, and calls — anywhere in a statement — of the functions that signal other
 * sessions, connect elsewhere (dblink), touch server files (large-object import/export included) or the server's
 * configuration and replication. {@code DO} blocks are read too: their PL/pgSQL statements, and the constant text
 * of their dynamic {@code EXECUTE}s.
 *
 * <p>Only statements whose text holds one of the words these need are parsed (a keyword cannot be quoted or
 * escaped, so a statement without any of them cannot be one); text that PostgreSQL's grammar rejects is left to the
 * server, which rejects it too.
 */
final class OutsideBranch {
    /** How far {@code DO} blocks within dynamic SQL within {@code DO} blocks are followed. */
    private static final int MAX_DEPTH = 4;
    private static final Pattern WORD = Pattern.compile("[a-z_][a-z0-9_$]*");
    /** Words that any statement reaching outside names somewhere in its code. */
    private static final Set<String> KEYWORDS = Set.of("database", "role", "user", "group", "system", "tablespace",
            "owned", "subscription", "parameter");
    /** Words that such statements start with (and that are common elsewhere, e.g. {@code ON CONFLICT DO}). */
    private static final Set<String> STATEMENT_KEYWORDS = Set.of("grant", "revoke", "do", "copy", "import",
            "reassign");
    private static final Pattern FORMAT_SPECIFIER = Pattern.compile("%(?:\\d+\\$)?-?\\d*([ILs%])");

    /** What lies beyond the branch database. */
    public enum Reach {
        DATABASES("another database of the server"),
        ROLES("the server's roles"),
        TABLESPACES("the server's tablespaces"),
        SERVER_CONFIGURATION("the server's configuration or replication"),
        OTHER_SESSIONS("other sessions of the server"),
        OTHER_SERVERS("a connection to another database or server"),
        SERVER_FILES("the server's files or programs");

        private final String description;

        Reach(String description) {
            this.description = description;
        }

        /** In words, e.g. "the server's roles". */
        public String description() {
            return description;
        }
    }

    /**
     * One thing a statement does beyond its database.
     *
     * @param reach  what it reaches
     * @param action what it does, e.g. {@code DROP DATABASE}, {@code pg_terminate_backend()}
     * @param object the database, role, tablespace… it names, or null
     */
    public record Effect(Reach reach, String action, String object) {
        /** E.g. "DROP DATABASE shop". */
        public String describe() {
            return object == null ? action : action + " " + object;
        }
    }

    private static final Map<String, Reach> FUNCTIONS = Map.ofEntries(
            Map.entry("pg_terminate_backend", Reach.OTHER_SESSIONS),
            Map.entry("pg_cancel_backend", Reach.OTHER_SESSIONS),
            Map.entry("pg_read_file", Reach.SERVER_FILES),
            Map.entry("pg_read_binary_file", Reach.SERVER_FILES),
            Map.entry("pg_stat_file", Reach.SERVER_FILES),
            Map.entry("pg_ls_dir", Reach.SERVER_FILES),
            Map.entry("pg_ls_logdir", Reach.SERVER_FILES),
            Map.entry("pg_ls_waldir", Reach.SERVER_FILES),
            Map.entry("pg_ls_tmpdir", Reach.SERVER_FILES),
            Map.entry("pg_ls_archive_statusdir", Reach.SERVER_FILES),
            Map.entry("pg_file_write", Reach.SERVER_FILES),
            Map.entry("pg_file_rename", Reach.SERVER_FILES),
            Map.entry("pg_file_unlink", Reach.SERVER_FILES),
            Map.entry("pg_file_sync", Reach.SERVER_FILES),
            Map.entry("pg_logdir_ls", Reach.SERVER_FILES),
            Map.entry("lo_import", Reach.SERVER_FILES),
            Map.entry("lo_export", Reach.SERVER_FILES),
            Map.entry("pg_reload_conf", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_rotate_logfile", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_promote", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_switch_wal", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_create_restore_point", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_backup_start", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_backup_stop", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_wal_replay_pause", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_wal_replay_resume", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_create_physical_replication_slot", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_create_logical_replication_slot", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_drop_replication_slot", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_copy_physical_replication_slot", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_copy_logical_replication_slot", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_replication_slot_advance", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_replication_origin_create", Reach.SERVER_CONFIGURATION),
            Map.entry("pg_replication_origin_drop", Reach.SERVER_CONFIGURATION));

    private OutsideBranch() {
    }

    /**
     * Loads PostgreSQL's parser and parses a few statements, so that the first statements of a migration are not
     * the ones to wait for that (about a second, once per JVM) while their transaction holds its locks.
     */
    public static void prepare() {
        of("GRANT SELECT ON t TO reader; CREATE ROLE reader; ALTER DATABASE d SET work_mem = '1MB'");
        of("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'r') THEN EXECUTE 'CREATE ROLE r'; "
                + "END IF; END $$");
    }

    /** What {@code sql} (one or more statements) would do beyond its database; empty when nothing. */
    public static List<Effect> of(String sql) {
        Set<Effect> effects = new LinkedHashSet<>();
        read(sql, effects, 0);
        return List.copyOf(effects);
    }

    private static void read(String sql, Set<Effect> effects, int depth) {
        if (sql == null || depth > MAX_DEPTH || !mayReachOutside(sql)) {
            return;
        }
        JsonNode tree;
        try {
            tree = PostgresParser.get().parse(sql);
        } catch (PostgresParser.SyntaxError e) {
            return;
        }
        for (JsonNode statement : tree.path("stmts")) {
            statement(statement.path("stmt"), effects, depth);
        }
    }

    /**
     * False when {@code sql} cannot reach beyond its database, which a look at its words tells without parsing:
     * every such statement names one of a few keywords or functions in its code. Keywords cannot be quoted or
     * escaped, so only the code is looked at — not the text of string constants and comments, which is why a
     * statement inserting rows that mention "user" or "group" is not parsed — except inside dollar-quoted text,
     * which may be a {@code DO} block's code and is looked at whole. Whatever this cannot tell for sure (a
     * backslash right before a quote, where the constant ends depending on {@code standard_conforming_strings} and
     * {@code E''}; an identifier spelled with Unicode escapes) is parsed; other backslashes, as in every bytea
     * literal, end a constant at the same quote whatever the setting, and are read as text.
     */
    static boolean mayReachOutside(String sql) {
        int length = sql.length();
        boolean statementStart = true;
        for (int i = 0; i < length; ) {
            char c = sql.charAt(i);
            char next = i + 1 < length ? sql.charAt(i + 1) : 0;
            if (c == '\\' && next == '\'') {
                return true;
            } else if (c == '-' && next == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? length : end + 1;
            } else if (c == '/' && next == '*') {
                i = afterBlockComment(sql, i);
            } else if (c == '\'') {
                int end = i + 1;
                while (end < length && (sql.charAt(end) != '\'' || (end + 1 < length && sql.charAt(end + 1) == '\''))) {
                    if (sql.charAt(end) == '\\' && end + 1 < length && sql.charAt(end + 1) == '\'') {
                        // where the constant ends depends on E'' or standard_conforming_strings: the only place
                        // where the readings differ (a bytea '\x00ff' or a path 'C:\dir' ends the same in both)
                        return true;
                    }
                    end += sql.charAt(end) == '\'' ? 2 : 1;
                }
                i = end + 1;
                statementStart = false;
            } else if (c == '"') {
                if (i > 0 && sql.charAt(i - 1) == '&') {
                    return true; // U&"…": an identifier spelled with Unicode escapes
                }
                int end = sql.indexOf('"', i + 1);
                end = end < 0 ? length : end;
                if (isFunction(sql.substring(i + 1, end).toLowerCase(Locale.ROOT))) {
                    return true; // a quoted identifier can be a function's name, never a keyword
                }
                i = end + 1;
                statementStart = false;
            } else if (c == '$' && isDollarQuoteStart(sql, i)) {
                int close = sql.indexOf('$', i + 1);
                String tag = sql.substring(i, close + 1);
                int end = sql.indexOf(tag, close + 1);
                end = end < 0 ? length : end;
                if (mentionsAnyWord(sql.substring(close + 1, end))) {
                    return true;
                }
                i = end + tag.length();
                statementStart = false;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i + 1;
                while (end < length && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                String word = sql.substring(i, end).toLowerCase(Locale.ROOT);
                if (KEYWORDS.contains(word) || isFunction(word)
                        || statementStart && STATEMENT_KEYWORDS.contains(word)) {
                    return true;
                }
                i = end;
                statementStart = false;
            } else {
                statementStart = c == ';' || (statementStart && Character.isWhitespace(c));
                if (c == '(' || c == ',') {
                    statementStart = false;
                }
                i++;
            }
        }
        return false;
    }

    /** True when {@code text} (the code of a dollar-quoted body) has any of the words, wherever they are. */
    private static boolean mentionsAnyWord(String text) {
        Matcher word = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (word.find()) {
            String w = word.group();
            if (KEYWORDS.contains(w) || STATEMENT_KEYWORDS.contains(w) || isFunction(w)) {
                return true;
            }
        }
        return text.contains("&\"");
    }

    private static boolean isFunction(String name) {
        return FUNCTIONS.containsKey(name) || name.startsWith("dblink");
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** {@code $tag$} or {@code $$} here, not inside an identifier and not a parameter ({@code $1}). */
    private static boolean isDollarQuoteStart(String sql, int i) {
        if (i > 0 && isIdentifierPart(sql.charAt(i - 1))) {
            return false;
        }
        int j = i + 1;
        if (j < sql.length() && Character.isDigit(sql.charAt(j))) {
            return false;
        }
        while (j < sql.length() && sql.charAt(j) != '$') {
            if (!(Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                return false;
            }
            j++;
        }
        return j < sql.length();
    }

    /** The index after the (nested, as PostgreSQL allows) block comment starting at {@code start}. */
    private static int afterBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static void statement(JsonNode wrapper, Set<Effect> effects, int depth) {
        Iterator<Map.Entry<String, JsonNode>> fields = wrapper.properties().iterator();
        if (!fields.hasNext()) {
            return;
        }
        Map.Entry<String, JsonNode> node = fields.next();
        JsonNode n = node.getValue();
        switch (node.getKey()) {
            case "CreatedbStmt" -> add(effects, Reach.DATABASES, "CREATE DATABASE", n.path("dbname"));
            case "DropdbStmt" -> add(effects, Reach.DATABASES, "DROP DATABASE", n.path("dbname"));
            case "AlterDatabaseStmt", "AlterDatabaseSetStmt", "AlterDatabaseRefreshCollStmt" ->
                    add(effects, Reach.DATABASES, "ALTER DATABASE", n.path("dbname"));
            case "CreateRoleStmt" -> add(effects, Reach.ROLES, "CREATE " + roleKind(n), n.path("role"));
            case "AlterRoleStmt", "AlterRoleSetStmt" ->
                    add(effects, Reach.ROLES, "ALTER ROLE", n.path("role").path("rolename"));
            case "DropRoleStmt" -> {
                for (JsonNode role : n.path("roles")) {
                    add(effects, Reach.ROLES, "DROP ROLE", role.path("RoleSpec").path("rolename"));
                }
            }
            case "GrantRoleStmt" -> {
                for (JsonNode role : n.path("granted_roles")) {
                    add(effects, Reach.ROLES, (n.path("is_grant").asBoolean() ? "GRANT" : "REVOKE")
                            + " membership in role", role.path("AccessPriv").path("priv_name"));
                }
            }
            case "ReassignOwnedStmt" -> add(effects, Reach.ROLES, "REASSIGN OWNED", null);
            case "DropOwnedStmt" -> add(effects, Reach.ROLES, "DROP OWNED", null);
            case "AlterSystemStmt" -> add(effects, Reach.SERVER_CONFIGURATION, "ALTER SYSTEM",
                    n.path("setstmt").path("name"));
            case "CreateTableSpaceStmt" -> add(effects, Reach.TABLESPACES, "CREATE TABLESPACE",
                    n.path("tablespacename"));
            case "DropTableSpaceStmt" -> add(effects, Reach.TABLESPACES, "DROP TABLESPACE",
                    n.path("tablespacename"));
            case "AlterTableSpaceOptionsStmt" -> add(effects, Reach.TABLESPACES, "ALTER TABLESPACE",
                    n.path("tablespacename"));
            case "CreateSubscriptionStmt", "AlterSubscriptionStmt", "DropSubscriptionStmt" ->
                    add(effects, Reach.OTHER_SERVERS, "SUBSCRIPTION", n.path("subname"));
            case "ImportForeignSchemaStmt" -> add(effects, Reach.OTHER_SERVERS, "IMPORT FOREIGN SCHEMA from server",
                    n.path("server_name"));
            case "CopyStmt" -> {
                if (n.path("is_program").asBoolean()) {
                    add(effects, Reach.SERVER_FILES, "COPY … PROGRAM", n.path("filename"));
                } else if (n.hasNonNull("filename")) {
                    add(effects, Reach.SERVER_FILES, "COPY … " + (n.path("is_from").asBoolean() ? "FROM" : "TO")
                            + " server file", n.path("filename"));
                }
            }
            case "RenameStmt" -> sharedObject(effects, n.path("renameType").asText(), "ALTER … RENAME",
                    n.path("subname"));
            case "AlterOwnerStmt" -> sharedObject(effects, n.path("objectType").asText(), "ALTER … OWNER",
                    n.path("object").path("String").path("sval"));
            case "CommentStmt", "SecLabelStmt" -> sharedObject(effects, n.path("objtype").asText(),
                    node.getKey().equals("CommentStmt") ? "COMMENT ON" : "SECURITY LABEL ON",
                    n.path("object").path("String").path("sval"));
            case "GrantStmt" -> {
                String type = n.path("objtype").asText();
                if (type.equals("OBJECT_PARAMETER_ACL")) {
                    add(effects, Reach.SERVER_CONFIGURATION, (n.path("is_grant").asBoolean() ? "GRANT" : "REVOKE")
                            + " … ON PARAMETER", null);
                }
                for (JsonNode object : n.path("objects")) {
                    sharedObject(effects, type, (n.path("is_grant").asBoolean() ? "GRANT" : "REVOKE") + " … ON",
                            object.path("String").path("sval"));
                }
            }
            case "DoStmt" -> doBlock(n, effects, depth);
            default -> {
                // nothing of its own; its expressions may still call a function that reaches outside
            }
        }
        functionCalls(n, effects);
    }

    private static String roleKind(JsonNode createRole) {
        return switch (createRole.path("stmt_type").asText()) {
            case "ROLESTMT_USER" -> "USER";
            case "ROLESTMT_GROUP" -> "GROUP";
            default -> "ROLE";
        };
    }

    /** Statements about databases, roles and tablespaces, which are the server's, not the database's. */
    private static void sharedObject(Set<Effect> effects, String objectType, String action, JsonNode name) {
        switch (objectType) {
            case "OBJECT_DATABASE" -> add(effects, Reach.DATABASES, action + " DATABASE", name);
            case "OBJECT_ROLE" -> add(effects, Reach.ROLES, action + " ROLE", name);
            case "OBJECT_TABLESPACE" -> add(effects, Reach.TABLESPACES, action + " TABLESPACE", name);
            default -> {
                // an object of the database itself
            }
        }
    }

    private static void functionCalls(JsonNode node, Set<Effect> effects) {
        if (node.isObject()) {
            JsonNode call = node.get("FuncCall");
            if (call != null) {
                JsonNode names = call.path("funcname");
                String name = names.path(names.size() - 1).path("String").path("sval").asText("")
                        .toLowerCase(Locale.ROOT);
                Reach reach = name.startsWith("dblink") ? Reach.OTHER_SERVERS : FUNCTIONS.get(name);
                if (reach != null) {
                    effects.add(new Effect(reach, name + "()", null));
                }
            }
        }
        for (JsonNode child : node) {
            functionCalls(child, effects);
        }
    }

    /**
     * A {@code DO} block in PL/pgSQL: each embedded statement and expression, and the constant strings of dynamic
     * {@code EXECUTE}s ({@code format()} specifiers filled in), read as SQL.
     */
    private static void doBlock(JsonNode doStatement, Set<Effect> effects, int depth) {
        String body = null;
        String language = "plpgsql";
        for (JsonNode argument : doStatement.path("args")) {
            JsonNode element = argument.path("DefElem");
            if (element.path("defname").asText().equals("as")) {
                body = element.path("arg").path("String").path("sval").asText(null);
            } else if (element.path("defname").asText().equals("language")) {
                language = element.path("arg").path("String").path("sval").asText("plpgsql");
            }
        }
        if (body == null || !language.equalsIgnoreCase("plpgsql")) {
            return;
        }
        String quote = "$rehearsal_" + Integer.toHexString(body.hashCode() & 0x7fffffff) + "$";
        JsonNode function;
        try {
            function = PostgresParser.get().parsePlpgsql("CREATE FUNCTION rehearsal_do() RETURNS void LANGUAGE "
                    + "plpgsql AS " + quote + body + quote);
        } catch (PostgresParser.SyntaxError e) {
            return;
        }
        List<JsonNode> expressions = new ArrayList<>();
        function.findParents("PLpgSQL_expr").forEach(parent -> expressions.add(parent.get("PLpgSQL_expr")));
        for (JsonNode expression : expressions) {
            String query = expression.path("query").asText("");
            String sql = expression.path("parseMode").asInt() == 0 ? query : "SELECT " + query;
            read(sql, effects, depth + 1);
            dynamicSql(sql, effects, depth);
        }
    }

    /** The string constants of an expression that may be dynamic SQL, read as SQL when they parse. */
    private static void dynamicSql(String expression, Set<Effect> effects, int depth) {
        JsonNode tree;
        try {
            tree = PostgresParser.get().parse(expression);
        } catch (PostgresParser.SyntaxError e) {
            return;
        }
        for (JsonNode constant : tree.findValues("sval")) {
            JsonNode text = constant.isObject() ? constant.get("sval") : null;
            if (text != null && text.isTextual()) {
                String sql = FORMAT_SPECIFIER.matcher(text.asText()).replaceAll(match -> switch (match.group(1)) {
                    case "L" -> "'x'";
                    case "%" -> "%";
                    default -> "x";
                });
                read(sql, effects, depth + 1);
            }
        }
    }

    private static void add(Set<Effect> effects, Reach reach, String action, JsonNode name) {
        effects.add(new Effect(reach, action, name == null || name.isMissingNode() || name.isNull() ? null
                : name.asText()));
    }
}
