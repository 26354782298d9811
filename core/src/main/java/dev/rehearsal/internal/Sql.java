package dev.rehearsal.internal;

import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.common.BaseDataSource;

/** JDBC plumbing shared by core's packages. Not API. */
public final class Sql {
    /** The {@code application_name} of every session Rehearsal opens. */
    public static final String APPLICATION_NAME = "rehearsal";
    /**
     * The table in which a promotion in progress is recorded on the target (the pipeline's promotion journal);
     * catalog snapshots leave it out, by this name and {@link #JOURNAL_COMMENT}.
     */
    public static final String JOURNAL_TABLE = "rehearsal_intent";
    /** The journal table's comment, which marks it as Rehearsal's. */
    public static final String JOURNAL_COMMENT = "Rehearsal: promotions in progress on this database. Empty unless a "
            + "runner was killed while promoting; the next Rehearsal run repairs what it left and drops this table.";

    private Sql() {
    }

    /**
     * Opens a connection, turning the usual failures into a message that names the database (never the password)
     * and the fix.
     *
     * @param what what is being connected to, for the message (e.g. "the target")
     */
    public static Connection connect(DatabaseLocation location, String what) {
        return connect(location.dataSource(APPLICATION_NAME), location, what);
    }

    /**
     * {@link #connect(DatabaseLocation, String)} with TCP keepalives on (pgjdbc's {@code tcpKeepAlive}), for a
     * session that must outlive long idle stretches.
     */
    public static Connection connectKeptAlive(DatabaseLocation location, String what) {
        DataSource dataSource = location.dataSource(APPLICATION_NAME);
        try {
            dataSource.unwrap(BaseDataSource.class).setTcpKeepAlive(true);
        } catch (SQLException e) {
            throw new IllegalStateException("DatabaseLocation gives pgjdbc DataSources", e);
        }
        return connect(dataSource, location, what);
    }

    private static Connection connect(DataSource dataSource, DatabaseLocation location, String what) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DatabaseException("Cannot connect to " + what + " at " + location + ": " + describe(e)
                    + hint(e, location), e);
        }
    }

    private static String hint(SQLException e, DatabaseLocation location) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (isMissingPassword(e)) {
            // pgjdbc's 08004 (connection rejected): the server is there, it asked for a password and got none
            return ". The server asks for a password, and none was given: give it with " + Setting.PASSWORD.spelled();
        }
        return switch (state) {
            case "28P01", "28000" -> ". Check the user and password" + (location.hasPassword() ? ""
                    : " (no password was given)");
            case "3D000" -> ". Check the database name, or create the database first";
            case "08001", "08004", "08006" -> ". Check that the server is running and that host and port are right";
            default -> "";
        };
    }

    /** True when the server asked for a password and the driver had none to give. */
    private static boolean isMissingPassword(SQLException e) {
        return "08004".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("no password was provided");
    }

    /**
     * Executes a statement built server-side with {@code format()}, so that identifiers ({@code %I}) and literals
     * ({@code %L}) are quoted by PostgreSQL itself. Without arguments, the template is executed as it is.
     */
    public static void execute(Connection connection, String template, String... arguments) throws SQLException {
        String sql = arguments.length == 0 ? template : format(connection, template, arguments);
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * {@code format(template, arguments...)} evaluated by the server. The arguments travel as one {@code text[]}
     * parameter ({@code VARIADIC}), so there may be any number of them: a call with one parameter per argument would
     * stop at PostgreSQL's limit of 100 function arguments.
     */
    public static String format(Connection connection, String template, String... arguments) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT format(?, VARIADIC ?::text[])")) {
            statement.setString(1, template);
            statement.setArray(2, connection.createArrayOf("text", arguments));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** {@code server_version_num}, e.g. 180001. */
    public static int serverVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW server_version_num")) {
            rows.next();
            return Integer.parseInt(rows.getString(1));
        }
    }

    /** The identifier in double quotes, as PostgreSQL reads any name. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** "message [SQLSTATE 23505]" — the server's own words and its code. */
    public static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getSQLState() == null ? message : message + " [SQLSTATE " + e.getSQLState() + "]";
    }
}
