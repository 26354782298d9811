package dev.rehearsal.cli;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.RehearsalException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.jdbcurlresolver.PgPassParser;

/**
 * Who logs in to the target and with which password, found the way PostgreSQL's own tools find them, so that a
 * CI job or a shell set up for {@code psql} works unchanged.
 *
 * <ul>
 *   <li>The user: {@code --user}, else {@code user=} in the URL, else {@code PGUSER}, else the operating system's
 *       user name (libpq's order). A message about a failed login says which it was.</li>
 *   <li>The password: the environment variable {@code --password-env} names ({@code REHEARSAL_PASSWORD} by default),
 *       else {@code PGPASSWORD}, else the line of the password file ({@code PGPASSFILE}, else {@code ~/.pgpass})
 *       for the target's host, port, database and user, read by pgjdbc's own parser.</li>
 * </ul>
 *
 * <p>The password is found once, for the target, and every connection of the run uses it: the runner lock's
 * database, the branches (whose names no password file line for the target's database matches) and
 * {@code pg_dump}/{@code pg_restore}, which are given it in their environment.
 */
final class Credentials {
    static final String PGPASSWORD = "PGPASSWORD";
    static final String PGUSER = "PGUSER";
    static final String PGPASSFILE = "PGPASSFILE";

    private final String user;
    /** Where the user came from when no option named it, for messages; null for --user and the URL. */
    private final String userOrigin;
    private final String password;
    private final String passwordOrigin;
    private final String passwordVariable;
    private final Map<String, String> environment;
    private final String passwordFileLine;

    private Credentials(String user, String userOrigin, String password, String passwordOrigin,
                        String passwordVariable, Map<String, String> environment, String passwordFileLine) {
        this.user = user;
        this.userOrigin = userOrigin;
        this.password = password;
        this.passwordOrigin = passwordOrigin;
        this.passwordVariable = passwordVariable;
        this.environment = environment;
        this.passwordFileLine = passwordFileLine;
    }

    /**
     * The user and password for {@code url}, which must be a PostgreSQL JDBC URL without credentials.
     *
     * @param userOption       {@code --user}, or null
     * @param passwordVariable the variable {@code --password-env} names
     * @param environment      the process's environment
     */
    static Credentials find(String url, String userOption, String passwordVariable, Map<String, String> environment) {
        Properties parsed = Driver.parseURL(url, new Properties());
        String user = userOption;
        String userOrigin = null;
        if (user == null && parsed != null) {
            user = parsed.getProperty("user");
        }
        if (user == null && nonEmpty(environment.get(PGUSER))) {
            user = environment.get(PGUSER);
            userOrigin = "PGUSER";
        }
        if (user == null) {
            user = System.getProperty("user.name");
            userOrigin = "the operating system's user name (no --user, no user= in the URL and no PGUSER)";
        }
        String line = parsed == null ? null : String.join(":", first(parsed.getProperty("PGHOST")),
                first(parsed.getProperty("PGPORT")), parsed.getProperty("PGDBNAME"), user);
        if (nonEmpty(environment.get(passwordVariable))) {
            return new Credentials(user, userOrigin, environment.get(passwordVariable), "the environment variable "
                    + passwordVariable, passwordVariable, environment, line);
        }
        if (nonEmpty(environment.get(PGPASSWORD))) {
            return new Credentials(user, userOrigin, environment.get(PGPASSWORD), PGPASSWORD + " ("
                    + passwordVariable + " is not set)", passwordVariable, environment, line);
        }
        String fromFile = parsed == null ? null : passwordFile(parsed, user);
        return new Credentials(user, userOrigin, fromFile, fromFile == null ? null : "the line for " + line + " in "
                + passwordFileName(environment), passwordVariable, environment, line);
    }

    /**
     * Refuses a URL given on the command line that carries a password, naming the option and the variable to use
     * instead, never the value: it is in the process list already, it must not reach logs as well.
     *
     * @param otherVariable how else the password may be given, appended to the advice (may be empty)
     */
    static void refuseIn(String option, String url, String variable, String otherVariable) {
        List<String> credentials = DatabaseLocation.credentialsIn(url);
        if (!credentials.isEmpty()) {
            boolean keyPassphrase = credentials.contains("the sslpassword parameter");
            throw new ConfigurationException(option + " carries a password (" + String.join(", ", credentials)
                    + "), which every user of this machine can read in the process list (ps) and shell history "
                    + "keeps: remove it from the URL and export the password as " + variable + otherVariable
                    + (keyPassphrase ? " (a client key's passphrase cannot be given to the command line: use a key "
                    + "without one, readable only by this user)" : ""));
        }
    }

    /** The target with this user and password. */
    DatabaseLocation location(String url) {
        return DatabaseLocation.of(url, user, password);
    }

    /**
     * {@code failure} with what was tried when it is a failed login (no password, a wrong one, an unknown user):
     * where the password came from or which variable to set, and where the user came from when no option named it.
     * Any other failure is returned as it is.
     */
    RehearsalException explained(RehearsalException failure) {
        SQLException login = loginFailure(failure);
        if (login == null) {
            return failure;
        }
        StringBuilder advice = new StringBuilder();
        if (password == null) {
            advice.append(missingPassword());
        } else if ("28P01".equals(login.getSQLState())) {
            advice.append("the password was taken from ").append(passwordOrigin);
        }
        if (userOrigin != null) {
            advice.append(advice.length() == 0 ? "" : "; ").append("the user ").append(user).append(" is ")
                    .append(userOrigin).append(": give the role to log in as with --user");
        }
        if (advice.length() == 0) {
            return failure;
        }
        advice.setCharAt(0, Character.toUpperCase(advice.charAt(0)));
        return new RehearsalException(failure.code(), failure.getMessage() + ". " + advice, failure);
    }

    /** "the environment variable X is not set: export it with the password, or ...". */
    private String missingPassword() {
        String variable = environment.get(passwordVariable) == null ? " is not set" : " is empty";
        String other = passwordVariable.equals(Main.TargetOptions.PASSWORD_VARIABLE) ? " (or name another variable "
                + "with --password-env)" : "";
        return "the environment variable " + passwordVariable + variable + ": export it with the password" + other
                + (passwordVariable.equals(PGPASSWORD) ? "" : ", or set " + PGPASSWORD)
                + (passwordFileLine == null ? "" : ", or add the line " + passwordFileLine + ":<password> to "
                + passwordFileName(environment) + ", readable by this user only");
    }

    /** The failed login in the causes of {@code failure}, or null. */
    private static SQLException loginFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("28") || sql.getSQLState().equals("08004")
                    && String.valueOf(sql.getMessage()).contains("no password was provided"))) {
                return sql;
            }
        }
        return null;
    }

    /** The password file's line for the target, tried for each of the URL's hosts in turn, as libpq does. */
    private static String passwordFile(Properties parsed, String user) {
        String[] hosts = parsed.getProperty("PGHOST", "").split(",");
        String[] ports = parsed.getProperty("PGPORT", "").split(",");
        for (int i = 0; i < hosts.length; i++) {
            String found = PgPassParser.getPassword(hosts[i], ports[Math.min(i, ports.length - 1)],
                    parsed.getProperty("PGDBNAME"), user);
            if (nonEmpty(found)) {
                return found;
            }
        }
        return null;
    }

    private static String passwordFileName(Map<String, String> environment) {
        String file = environment.get(PGPASSFILE);
        if (nonEmpty(file)) {
            return "the password file " + file + " (PGPASSFILE)";
        }
        return System.getProperty("os.name", "").startsWith("Windows") ? "%APPDATA%\\postgresql\\pgpass.conf"
                : "~/.pgpass";
    }

    private static String first(String list) {
        return list == null ? "" : list.split(",")[0];
    }

    private static boolean nonEmpty(String value) {
        return value != null && !value.isEmpty();
    }
}
