package dev.rehearsal.flyway;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.api.configuration.Configuration;

/**
 * Flyway's history table on a database, found as Flyway finds it: in {@code defaultSchema}, else the first of
 * {@code schemas}, else the connection's current schema.
 *
 * @param schema the schema of the history table
 * @param table the history table's name
 * @param schemas the schemas Flyway manages there, the history's first
 * @param exists whether the table exists
 * @param role the role connected
 */
record HistoryTable(String schema, String table, List<String> schemas, boolean exists, String role) {
    private static final Pattern DENIED_SCHEMA = Pattern.compile("permission denied for schema (\\S+)");
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");

    static HistoryTable of(DataSource database, Configuration configuration) {
        List<String> schemas = new ArrayList<>(Arrays.asList(configuration.getSchemas()));
        String configured = configuration.getDefaultSchema() != null ? configuration.getDefaultSchema()
                : schemas.isEmpty() ? null : schemas.get(0);
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT s.name, current_user, EXISTS (SELECT "
                     + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                     + "n.nspname = s.name AND c.relname = ?) FROM (SELECT coalesce(?, current_schema()) AS name) s")) {
            statement.setString(1, configuration.getTable());
            statement.setString(2, configured);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                String schema = row.getString(1);
                if (!schemas.contains(schema)) {
                    schemas.add(0, schema);
                }
                return new HistoryTable(schema, configuration.getTable(), List.copyOf(schemas), row.getBoolean(3),
                        row.getString(2));
            }
        } catch (SQLException e) {
            throw new DatabaseException("Cannot read where Flyway's history table is: " + e.getMessage(), e);
        }
    }

    /** The role may not read the table (SQLSTATE 42501): what to grant, or to whom the table belongs. */
    ConfigurationException denied(SQLException denied, Exception cause) {
        String said = String.valueOf(denied.getMessage()).lines().findFirst().orElse("");
        Matcher schemaDenied = DENIED_SCHEMA.matcher(said);
        String grant = schemaDenied.find()
                ? "GRANT USAGE ON SCHEMA " + schemaDenied.group(1) + " TO " + quote(role)
                : "GRANT SELECT, INSERT, UPDATE, DELETE ON " + this + " TO " + quote(role);
        return new ConfigurationException("The role " + role + " may not read Flyway's history table " + this
                + " on the target (" + said + "): grant it what Flyway needs (" + grant + "; a rehearsal reads the "
                + "table, promotion writes it), or connect as the table's owner", cause);
    }

    /** The table as SQL names it, e.g. {@code public.flyway_schema_history}. */
    @Override
    public String toString() {
        return quote(schema) + "." + quote(table);
    }

    private static String quote(String identifier) {
        return identifier != null && PLAIN.matcher(identifier).matches() ? identifier
                : "\"" + String.valueOf(identifier).replace("\"", "\"\"") + "\"";
    }
}
