package dev.rehearsal.branch.copy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to a branch's target, who owns it and how its sessions are set up — read from the target and given
 * to the branch, so that a branch is readable by at most the roles that can read its target. {@code CREATE DATABASE}
 * copies none of it: a new database has the default privileges, which let {@code PUBLIC} connect.
 *
 * <p>Without a window: the branch is created with {@code ALLOW_CONNECTIONS false} (nobody, not even a superuser, can
 * connect) and owned by its final owner; it gets its privileges, which are then read back and compared with what
 * was meant (a {@code GRANT} or {@code REVOKE} the role may not make is only a warning in PostgreSQL); only then are
 * connections allowed.
 *
 * <p>On the target's own server:
 * <ul>
 *   <li>Privileges: the branch's {@code datacl} is the target's — the default when the target has the default,
 *   otherwise every privilege of every grantee, with its grant option. The grantor recorded is the branch's owner
 *   (a grant made on the target by another holder of a grant option is recorded as made by the owner).</li>
 *   <li>Owner: the target's owner, when the branching role may make a database of that owner and act as it (a
 *   superuser, or a member of it with {@code INHERIT} — and, on PostgreSQL 16 and later, {@code SET}); otherwise
 *   the branching role, which can read the target anyway, and stands in for the target's owner in the privileges.
 *   The log says which (INFO when it is not the target's owner).</li>
 *   <li>Settings: {@code ALTER DATABASE ... SET} and {@code ALTER ROLE ... IN DATABASE ... SET} of the target.
 *   A non-superuser may set on the branch only what it may set: no superuser-only parameters (unless granted
 *   {@code SET} on them), and no settings of other roles (unless it has {@code CREATEROLE} and the {@code ADMIN}
 *   option on them). Those are left out with a warning that names them (never their values), since a rehearsal on
 *   the branch may behave differently without them.</li>
 * </ul>
 *
 * <p>On another server (a snapshot copy to a destination), the source's roles do not exist, and roles of the same
 * name are other principals: the branch is owned by the destination's role; {@code PUBLIC} gets on the branch what it
 * has on the target (all of the default when the target has the default, nothing when it was revoked) and no other
 * role gets anything; the database-wide settings are copied, settings of roles are not.
 *
 * <p>Not copied: the connection limit ({@code datconnlimit}), which is capacity, not access, and would throttle the
 * copy's parallel restore. A target that allows no connections ({@code datallowconn} false) is refused: a branch of
 * it could not be used.
 */
final class BranchAccess {
    private static final Logger LOG = LoggerFactory.getLogger(BranchAccess.class);
    /** The privileges on a database, in {@code aclexplode}'s words. */
    private static final List<String> ALL = List.of("CREATE", "TEMPORARY", "CONNECT");
    /** Parameters whose values PostgreSQL stores as a list of quoted elements (as pg_dump's list, dumputils.c). */
    private static final Set<String> LIST_QUOTED = Set.of("local_preload_libraries", "search_path",
            "session_preload_libraries", "shared_preload_libraries", "temp_tablespaces", "unix_socket_directories");
    private static final String PRIVILEGES = "SELECT CASE WHEN a.grantee = 0 THEN NULL "
            + "ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable FROM pg_database d, "
            + "aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a WHERE d.datname = ?";

    /** A privilege on the database; {@code grantee} null for {@code PUBLIC}. */
    record Privilege(String grantee, String privilege, boolean grantable) {
    }

    /** A setting {@code name=value} of the database, for every role ({@code role} null) or for one role in it. */
    record Setting(String role, String name, String value) {
        String describe() {
            return role == null ? name : name + " of role " + role;
        }
    }

    private final String target;
    private final String targetOwner;
    private final boolean defaultPrivileges;
    private final List<Privilege> privileges;
    private final List<Setting> settings;
    private final boolean sameServer;

    private BranchAccess(String target, String targetOwner, boolean defaultPrivileges, List<Privilege> privileges,
                         List<Setting> settings, boolean sameServer) {
        this.target = target;
        this.targetOwner = targetOwner;
        this.defaultPrivileges = defaultPrivileges;
        this.privileges = List.copyOf(privileges);
        this.settings = List.copyOf(settings);
        this.sameServer = sameServer;
    }

    /**
     * The access of database {@code target}, read through any connection to its server (the catalogs read are
     * shared by all databases and readable by every role).
     *
     * @throws BranchException when the target does not exist or allows no connections
     */
    static BranchAccess of(Connection connection, String target) throws SQLException {
        String owner;
        boolean defaultPrivileges;
        long oid;
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_get_userbyid(datdba), "
                + "datacl IS NULL, datallowconn, oid FROM pg_database WHERE datname = ?")) {
            statement.setString(1, target);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new BranchException("Database '" + target + "' does not exist: check the database name "
                            + "in the target URL");
                }
                if (!rows.getBoolean(3)) {
                    throw new BranchException("Database '" + target + "' allows no connections (ALLOW_CONNECTIONS "
                            + "false), so a branch of it could not be used either: allow them (ALTER DATABASE ... "
                            + "ALLOW_CONNECTIONS true) to branch it");
                }
                owner = rows.getString(1);
                defaultPrivileges = rows.getBoolean(2);
                oid = rows.getLong(4);
            }
        }
        List<Setting> settings = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT CASE WHEN s.setrole = 0 THEN NULL "
                + "ELSE pg_get_userbyid(s.setrole) END, c.item FROM pg_db_role_setting s, "
                + "unnest(s.setconfig) WITH ORDINALITY AS c(item, n) WHERE s.setdatabase = ? "
                + "ORDER BY s.setrole <> 0, 1, c.n")) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String item = rows.getString(2);
                    int equals = item.indexOf('=');
                    if (equals > 0) {
                        settings.add(new Setting(rows.getString(1), item.substring(0, equals),
                                item.substring(equals + 1)));
                    }
                }
            }
        }
        return new BranchAccess(target, owner, defaultPrivileges, privileges(connection, target), settings, true);
    }

    /**
     * This access as given to a branch on another server: {@code PUBLIC}'s privileges and the owner's defaults, the
     * database-wide settings; no grant to, nor setting of, a role of the target's server.
     */
    BranchAccess onAnotherServer() {
        List<Privilege> kept = new ArrayList<>();
        for (String privilege : ALL) {
            kept.add(new Privilege(targetOwner, privilege, false));
        }
        privileges.stream().filter(p -> p.grantee() == null).forEach(kept::add);
        return new BranchAccess(target, targetOwner, defaultPrivileges, kept,
                settings.stream().filter(s -> s.role() == null).toList(), false);
    }

    /**
     * The role that is to own {@code branch} on {@code server}: the target's owner when the connected role may make
     * it so and act as it, otherwise the connected role. Logs which.
     */
    String owner(Connection server, String branch) throws SQLException {
        String current = single(server, "SELECT current_user");
        if (!sameServer) {
            LOG.debug("Branch {} of {} is owned by {}, the destination's role: the target's roles are another "
                    + "server's", branch, target, current);
            return current;
        }
        // CREATE DATABASE ... OWNER needs membership (SET, from 16 on); the drop, rename and comment of the branch
        // later need the owner's privileges (INHERIT)
        boolean atLeast16 = Sql.serverVersion(server) >= 160000;
        String[] owner = atLeast16 ? new String[] {targetOwner, targetOwner} : new String[] {targetOwner};
        boolean may = current.equals(targetOwner) || "t".equals(single(server, "SELECT rolsuper OR (pg_has_role(?, "
                + "'USAGE')" + (atLeast16 ? " AND pg_has_role(?, 'SET')" : "") + ") FROM pg_roles "
                + "WHERE rolname = current_user", owner));
        if (may) {
            LOG.debug("Branch {} is owned by {}, as its target {} is", branch, targetOwner, target);
            return targetOwner;
        }
        LOG.info("Branch {} is owned by {}, not by {} who owns {}: role {} may not act as {} (GRANT {} TO {} would "
                + "let it)", branch, current, targetOwner, target, current, targetOwner, quote(targetOwner),
                quote(current));
        return current;
    }

    /**
     * Gives {@code branch}, owned by {@code owner} and not yet open to connections, the privileges of the target
     * (see the class comment), then checks that it has exactly those.
     *
     * @throws BranchException when the branch's privileges are not what they must be
     */
    void grant(Connection server, String branch, String owner) throws SQLException {
        if (!defaultPrivileges) {
            Sql.execute(server, "REVOKE ALL ON DATABASE %I FROM PUBLIC", branch);
            Sql.execute(server, "REVOKE ALL ON DATABASE %I FROM %I", branch, owner);
            Map<String, List<Privilege>> byGrantee = new LinkedHashMap<>();
            for (Privilege privilege : privileges) {
                String grantee = privilege.grantee() == null ? null : asBranchRole(privilege.grantee(), owner);
                byGrantee.computeIfAbsent((grantee == null ? "" : "+" + grantee) + "/" + privilege.grantable(),
                        k -> new ArrayList<>()).add(new Privilege(grantee, privilege.privilege(),
                        privilege.grantable()));
            }
            for (List<Privilege> group : byGrantee.values()) {
                Privilege first = group.get(0);
                String list = group.stream().map(Privilege::privilege).collect(Collectors.joining(", "));
                String option = first.grantable() ? " WITH GRANT OPTION" : "";
                if (first.grantee() == null) {
                    Sql.execute(server, "GRANT " + list + " ON DATABASE %I TO PUBLIC" + option, branch);
                } else {
                    Sql.execute(server, "GRANT " + list + " ON DATABASE %I TO %I" + option, branch, first.grantee());
                }
            }
        }
        Map<String, Boolean> meant = normalised(privileges, owner);
        Map<String, Boolean> has = normalised(privileges(server, branch), owner);
        if (!has.equals(meant)) {
            throw new BranchException("Branch '" + branch + "' did not get the privileges of '" + target
                    + "' (it has " + has + ", it must have " + meant + "): the role making it may not grant them. "
                    + "Give Rehearsal a role that owns '" + target + "' or is a superuser");
        }
    }

    /** Lets sessions connect to {@code branch}, once it has its privileges. */
    static void open(Connection server, String branch) throws SQLException {
        Sql.execute(server, "ALTER DATABASE %I ALLOW_CONNECTIONS true", branch);
    }

    /**
     * Gives {@code branch} the target's settings (see the class comment); those the role may not set are left out,
     * with a warning that names them. Run it after a restore: the settings would apply to the restore's sessions.
     */
    void configure(Connection server, String branch) {
        List<String> skipped = new ArrayList<>();
        for (Setting setting : settings) {
            String values = String.join(", ", Collections.nCopies(values(setting).size(), "%L"));
            List<String> arguments = new ArrayList<>();
            String template;
            if (setting.role() == null) {
                template = "ALTER DATABASE %I SET %I TO " + values;
                arguments.addAll(List.of(branch, setting.name()));
            } else {
                template = "ALTER ROLE %I IN DATABASE %I SET %I TO " + values;
                arguments.addAll(List.of(setting.role(), branch, setting.name()));
            }
            arguments.addAll(values(setting));
            try {
                Sql.execute(server, template, arguments.toArray(String[]::new));
            } catch (SQLException e) {
                // The server's message may quote the value, which may be a secret: name the setting and the reason.
                skipped.add(setting.describe() + " (" + reason(e) + ")");
            }
        }
        if (!skipped.isEmpty()) {
            LOG.warn("Branch {} lacks settings of {} that the role making it may not set: {}. A rehearsal on it may "
                    + "behave otherwise than on the target; to copy them, give Rehearsal a superuser, or GRANT SET ON "
                    + "PARAMETER (PostgreSQL 15+) for the database's settings and CREATEROLE with ADMIN on the role "
                    + "for a role's", branch, target, String.join(", ", skipped));
        }
    }

    /** The value(s) of a setting as SQL string literals take them: a list-quoted parameter's elements one by one. */
    static List<String> values(Setting setting) {
        if (!LIST_QUOTED.contains(setting.name().toLowerCase(Locale.ROOT))) {
            return List.of(setting.value());
        }
        List<String> elements = splitList(setting.value());
        return elements == null || elements.isEmpty() ? List.of(setting.value()) : elements;
    }

    /**
     * The elements of a list-quoted value such as {@code "$user", public, "we ird"}: separated by commas, optionally
     * double-quoted (with {@code ""} for a quote); null when it is not such a list (as pg_dump's SplitGUCList).
     */
    static List<String> splitList(String raw) {
        List<String> elements = new ArrayList<>();
        int i = skipSpaces(raw, 0);
        if (i == raw.length()) {
            return elements;
        }
        while (true) {
            StringBuilder element = new StringBuilder();
            if (raw.charAt(i) == '"') {
                i++;
                while (true) {
                    int quote = raw.indexOf('"', i);
                    if (quote < 0) {
                        return null;
                    }
                    element.append(raw, i, quote);
                    i = quote + 1;
                    if (i < raw.length() && raw.charAt(i) == '"') {
                        element.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
            } else {
                int start = i;
                while (i < raw.length() && raw.charAt(i) != ',' && !Character.isWhitespace(raw.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return null;
                }
                element.append(raw, start, i);
            }
            elements.add(element.toString());
            i = skipSpaces(raw, i);
            if (i == raw.length()) {
                return elements;
            }
            if (raw.charAt(i) != ',') {
                return null;
            }
            i = skipSpaces(raw, i + 1);
            if (i == raw.length()) {
                return null;
            }
        }
    }

    private static int skipSpaces(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private String asBranchRole(String role, String owner) {
        return role.equals(targetOwner) ? owner : role;
    }

    /**
     * Privileges as "grantee privilege" to whether with grant option, the target's owner written as the branch's
     * owner: PostgreSQL merges the items of one grantee, so two privileges that became one compare equal.
     */
    private Map<String, Boolean> normalised(List<Privilege> list, String owner) {
        Map<String, Boolean> result = new TreeMap<>();
        for (Privilege privilege : list) {
            String grantee = privilege.grantee() == null ? "PUBLIC" : asBranchRole(privilege.grantee(), owner);
            result.merge(grantee + " " + privilege.privilege(), privilege.grantable(), Boolean::logicalOr);
        }
        return result;
    }

    /** The effective privileges on {@code database} (its default ones when it has no {@code datacl}). */
    private static List<Privilege> privileges(Connection connection, String database) throws SQLException {
        List<Privilege> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(PRIVILEGES)) {
            statement.setString(1, database);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(new Privilege(rows.getString(1), rows.getString(2), rows.getBoolean(3)));
                }
            }
        }
        return result;
    }

    private static String single(Connection connection, String query, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private static String reason(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "42501" -> "permission denied";
            case "42704" -> "unknown parameter on this server";
            case "22023" -> "value not accepted by this server";
            default -> "refused, SQLSTATE " + (state.isEmpty() ? "unknown" : state);
        };
    }

    private static String quote(String role) {
        return role.matches("[a-z_][a-z0-9_$]*") ? role : "\"" + role.replace("\"", "\"\"") + "\"";
    }
}
