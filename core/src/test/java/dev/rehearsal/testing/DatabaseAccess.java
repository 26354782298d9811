package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Who may do what with a database: its owner, whether it accepts connections, its privileges ({@code aclexplode} of
 * its {@code datacl}, or "default" when it has none) and its settings ({@code ALTER DATABASE/ROLE ... SET}) as one
 * canonical text, so that a test compares a branch with its target in one assertion; and real logins as a role.
 *
 * <pre>{@code
 * assertThat(DatabaseAccess.of(postgres, branch)).isEqualTo(DatabaseAccess.of(postgres, target));
 * DatabaseAccess.assertRefused(postgres, branch, role, password);
 * }</pre>
 */
public final class DatabaseAccess {
    private DatabaseAccess() {
    }

    /** One line each for owner, connections, privileges and settings of {@code database}, in a stable order. */
    public static String of(TestPostgres postgres, String database) {
        List<String> lines = new ArrayList<>(postgres.query("postgres", "SELECT unnest(ARRAY['owner ' || "
                + "pg_get_userbyid(datdba), 'allows connections ' || datallowconn, 'privileges ' || CASE WHEN datacl "
                + "IS NULL THEN 'default' ELSE 'explicit' END]) FROM pg_database WHERE datname = ?", database));
        lines.addAll(postgres.query("postgres", "SELECT format('grant %s%s to %s by %s', a.privilege_type, "
                + "CASE WHEN a.is_grantable THEN ' with grant option' ELSE '' END, CASE WHEN a.grantee = 0 "
                + "THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, pg_get_userbyid(a.grantor)) "
                + "FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a "
                + "WHERE d.datname = ? ORDER BY 1", database));
        lines.addAll(postgres.query("postgres", "SELECT format('setting of %s: %s', CASE WHEN s.setrole = 0 "
                + "THEN 'every role' ELSE pg_get_userbyid(s.setrole) END, c) FROM pg_db_role_setting s "
                + "JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c WHERE d.datname = ? "
                + "ORDER BY 1", database));
        return String.join("\n", lines);
    }

    /** A session on {@code database} as {@code role} with its password (see {@link TestPostgres#requirePassword}). */
    public static Connection login(TestPostgres postgres, String database, String role, String password)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        properties.setProperty("password", password);
        return new org.postgresql.Driver().connect(postgres.jdbcUrl(database), properties);
    }

    /** Asserts that {@code role} cannot connect to {@code database}: the server says it lacks CONNECT. */
    public static void assertRefused(TestPostgres postgres, String database, String role, String password) {
        assertThatThrownBy(() -> login(postgres, database, role, password).close())
                .as("a login of %s to %s", role, database)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                .hasMessageContaining("permission denied for database");
    }

    /** Asserts that {@code role} can connect to {@code database} and run {@code query}, returning its first value. */
    public static String readAs(TestPostgres postgres, String database, String role, String password, String query)
            throws SQLException {
        try (Connection session = login(postgres, database, role, password);
             var statement = session.createStatement(); var rows = statement.executeQuery(query)) {
            assertThat(rows.next()).as("a row of %s", query).isTrue();
            return rows.getString(1);
        }
    }
}
