package dev.rehearsal.api;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where a PostgreSQL database lives and how to log in to it: the host(s), port(s), database name, the connection
 * properties of the JDBC URL, and the credentials.
 *
 * <p>A location can be pointed at another database on the same server ({@link #withDatabase(String)}), which is how
 * branches are reached. Its {@link #toString()} and {@link #redactedUrl()} never contain the password.
 *
 * <pre>{@code
 * DatabaseLocation target = DatabaseLocation.of("jdbc:postgresql://db:5432/shop?sslmode=require", "app", secret);
 * DataSource branch = target.withDatabase("rehearsal_shop_20261123_x1y2z3").dataSource("rehearsal");
 * }</pre>
 */
public final class DatabaseLocation {
    private static final String PREFIX = "jdbc:postgresql:";
    /** URL parameters that are credentials: never part of a rendered URL, whatever their case or encoding. */
    private static final Set<String> SECRET_PARAMETERS = Set.of("password", "sslpassword");
    private static final String USER_INFO = "user:password@ before the host";
    private static final Set<String> LOCATION_KEYS = Set.of("PGHOST", "PGPORT", "PGDBNAME", "user");

    private final String hosts;
    private final String ports;
    private final String database;
    private final Map<String, String> parameters;
    private final String user;
    private final String password;

    private DatabaseLocation(String hosts, String ports, String database, Map<String, String> parameters,
                             String user, String password) {
        this.hosts = hosts;
        this.ports = ports;
        this.database = database;
        // Sorted, so that the rendered URL is the same in every run (Map.copyOf iterates in a per-JVM random order)
        this.parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
        this.user = user;
        this.password = password;
    }

    /**
     * Where a data source points: its JDBC URL and credentials, read through the usual pools and wrappers (HikariCP,
     * Spring's delegating and proxy data sources, pgjdbc's own), since branches are reached by URL.
     *
     * @throws ConfigurationException when the data source does not tell its URL or credentials
     */
    public static DatabaseLocation of(DataSource dataSource) {
        return DataSourceIntrospection.locationOf(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Parses a PostgreSQL JDBC URL. User and password given here win over {@code user=}/{@code password=} in the URL.
     * A password in the URL is taken (a URL in code or in an application's configuration is no command line; the
     * command line refuses one, see {@link #credentialsIn(String)}), and never rendered.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host[:port][,host2[:port2]]/database[?param=value...]}
     * @param user     the role to log in as; may be null when the URL carries it
     * @param password may be null when the URL carries it or the server does not ask for one
     * @throws ConfigurationException when the URL is not a PostgreSQL JDBC URL, names no database, or has a
     *                                {@code user:password@} before its host (which pgjdbc does not read)
     */
    public static DatabaseLocation of(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new ConfigurationException("The target JDBC URL is missing: give one like "
                    + "jdbc:postgresql://localhost:5432/mydb");
        }
        if (!jdbcUrl.startsWith(PREFIX)) {
            throw new ConfigurationException("'" + redact(jdbcUrl) + "' is not a PostgreSQL JDBC URL: Rehearsal works "
                    + "on PostgreSQL only; give a URL like jdbc:postgresql://localhost:5432/mydb");
        }
        if (userInfoOf(jdbcUrl) != null) {
            // not echoed: what stands before the '@' may be a password, and a '/' in it defeats redact()
            throw new ConfigurationException("The JDBC URL has a user (or user:password) before its host, which "
                    + "PostgreSQL's JDBC driver does not read: remove it and give the user and the password "
                    + "separately (the user may also be ?user=app in the URL)");
        }
        Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
        if (parsed == null) {
            throw new ConfigurationException("The JDBC URL '" + redact(jdbcUrl) + "' could not be parsed: check its "
                    + "form, jdbc:postgresql://host:port/database?param=value");
        }
        String database = parsed.getProperty("PGDBNAME");
        if (database == null || database.isEmpty()) {
            throw new ConfigurationException("The JDBC URL '" + redact(jdbcUrl) + "' names no database: add it after "
                    + "the host, e.g. jdbc:postgresql://localhost:5432/mydb");
        }
        Map<String, String> parameters = new TreeMap<>();
        for (String key : parsed.stringPropertyNames()) {
            if (!LOCATION_KEYS.contains(key) && !isSecret(key) && !isDefault(key, parsed)) {
                parameters.put(key, parsed.getProperty(key));
            }
        }
        String effectiveUser = user != null ? user : parsed.getProperty("user");
        String effectivePassword = password != null ? password : parsed.getProperty("password");
        return new DatabaseLocation(parsed.getProperty("PGHOST"), parsed.getProperty("PGPORT"), database,
                parameters, effectiveUser, effectivePassword);
    }

    /**
     * The credentials a JDBC URL carries, named for a message and never by value: {@code the password parameter},
     * {@code the sslpassword parameter} (in any case, percent-encoded or not) and {@code user:password@ before the
     * host}. Empty when it carries none. Front ends refuse a URL with credentials where others can read it, such as
     * a command line ({@code ps} shows it to every user of the machine); a URL in a file or in code may carry them.
     * (No name has a {@code password=} in it: {@link #redact(String)} would mask what follows.)
     *
     * <pre>{@code
     * DatabaseLocation.credentialsIn("jdbc:postgresql://db/shop?user=app&password=s3cret");
     * // ["the password parameter"]
     * }</pre>
     */
    public static List<String> credentialsIn(String jdbcUrl) {
        if (jdbcUrl == null) {
            return List.of();
        }
        Set<String> found = new LinkedHashSet<>();
        String userInfo = userInfoOf(jdbcUrl);
        if (userInfo != null && userInfo.contains(":")) {
            found.add(USER_INFO);
        }
        int query = jdbcUrl.indexOf('?');
        if (query >= 0) {
            for (String parameter : jdbcUrl.substring(query + 1).split("&")) {
                int equals = parameter.indexOf('=');
                String key = equals < 0 ? parameter : parameter.substring(0, equals);
                if (isSecret(key)) {
                    found.add("the " + canonical(key) + " parameter");
                }
            }
        }
        return List.copyOf(found);
    }

    /**
     * What stands before an '@' in the host list ({@code //user:password@host}), or null. pgjdbc reads no such part
     * (it takes {@code user@host} for a host name); the host list ends at the database's slash, the last one before
     * the query, so that a '/' in a password does not hide it.
     */
    private static String userInfoOf(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        String address = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        int start = address.indexOf("//");
        if (start < 0) {
            return null;
        }
        int end = address.lastIndexOf('/');
        String hostList = end > start + 1 ? address.substring(start + 2, end) : address.substring(start + 2);
        int at = hostList.lastIndexOf('@');
        return at < 0 ? null : hostList.substring(hostList.lastIndexOf(',', at) + 1, at);
    }

    /** pgjdbc reads only {@code password} itself, but any spelling of it on a command line is a password shown. */
    private static boolean isSecret(String key) {
        return SECRET_PARAMETERS.contains(canonical(key));
    }

    private static String canonical(String key) {
        String decoded;
        try {
            decoded = URLDecoder.decode(key, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            decoded = key;
        }
        return decoded.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * True for a parameter that only restates pgjdbc's default. pgjdbc's own DataSources list every property in
     * their URL once configured (70-odd, e.g. {@code ApplicationName=PostgreSQL JDBC Driver}); they change nothing.
     */
    private static boolean isDefault(String key, Properties parsed) {
        PGProperty property = PGProperty.forName(key);
        return property != null && Objects.equals(property.getDefaultValue(), parsed.getProperty(key));
    }

    /** The same server, credentials and connection properties, another database. */
    public DatabaseLocation withDatabase(String otherDatabase) {
        Objects.requireNonNull(otherDatabase, "database");
        return new DatabaseLocation(hosts, ports, otherDatabase, parameters, user, password);
    }

    /** The same location, with {@code other}'s password (which stays unexposed). */
    public DatabaseLocation withPasswordOf(DatabaseLocation other) {
        Objects.requireNonNull(other, "other");
        return new DatabaseLocation(hosts, ports, database, parameters, user, other.password);
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The host list as given in the URL, e.g. {@code db1,db2}. */
    public String hosts() {
        return hosts;
    }

    /** True when a password is known (its value is never exposed in text). */
    public boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    /** The JDBC URL without user and password: safe for logs, exceptions and reports. */
    public String redactedUrl() {
        StringBuilder url = new StringBuilder(PREFIX).append("//");
        String[] hostList = hosts.split(",");
        String[] portList = ports.split(",");
        for (int i = 0; i < hostList.length; i++) {
            if (i > 0) {
                url.append(',');
            }
            url.append(hostList[i]);
            if (i < portList.length && !portList[i].isEmpty()) {
                url.append(':').append(portList[i]);
            }
        }
        url.append('/').append(encode(database));
        String separator = "?";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            url.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
            separator = "&";
        }
        return url.toString();
    }

    /**
     * An unpooled DataSource for this location. Every connection carries {@code application_name}, so that
     * Rehearsal's own sessions are recognisable in {@code pg_stat_activity}.
     */
    public DataSource dataSource(String applicationName) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(redactedUrl());
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        dataSource.setApplicationName(applicationName);
        return dataSource;
    }

    /**
     * Removes credentials from any text that may hold a JDBC URL ({@code password=...} parameters and
     * {@code user:password@} userinfo), for messages about input that could not be parsed.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        // Greedy up to the last '@' of the authority, and to the next '&' or blank: a password may contain '@' or ';'
        return text.replaceAll("(?i)((?:ssl)?password=)[^&\\s]*", "$1***")
                .replaceAll("//([^/@\\s:]+):[^/\\s]*@", "//$1:***@");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DatabaseLocation that
                && hosts.equals(that.hosts) && ports.equals(that.ports) && database.equals(that.database)
                && parameters.equals(that.parameters) && Objects.equals(user, that.user)
                && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hosts, ports, database, parameters, user);
    }

    @Override
    public String toString() {
        return redactedUrl() + (user != null ? " (user " + user + ")" : "");
    }
}
