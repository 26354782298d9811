package dev.rehearsal.api;

import java.lang.reflect.Method;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the JDBC URL and credentials of a DataSource from its bean getters, without opening a connection (which
 * would, for a pool, keep sessions on the target and make it impossible to branch). Knows the getter names of
 * pgjdbc, HikariCP, Flyway, Spring, Tomcat and Commons DBCP data sources, and reads through the wrappers that hand
 * out the wrapped DataSource's connections ({@code getTargetDataSource()}: Spring's
 * {@code TransactionAwareDataSourceProxy}, {@code LazyConnectionDataSourceProxy}, any {@code DelegatingDataSource}).
 */
final class DataSourceIntrospection {
    private static final List<String> URL_GETTERS = List.of("getJdbcUrl", "getUrl", "getURL");
    private static final List<String> USER_GETTERS = List.of("getUsername", "getUser");
    private static final List<String> PASSWORD_GETTERS = List.of("getPassword");
    /** Spring's wrapper that logs in with credentials of its own, which it does not expose. */
    private static final String OWN_CREDENTIALS = "org.springframework.jdbc.datasource.UserCredentialsDataSourceAdapter";
    /** Wrappers of wrappers are read through up to this depth (a wrapper of itself must not loop). */
    private static final int MAX_WRAPPERS = 10;

    private DataSourceIntrospection() {
    }

    static DatabaseLocation locationOf(DataSource given) {
        DataSource dataSource = unwrapped(given);
        String type = dataSource.getClass().getName();
        String url = call(dataSource, URL_GETTERS);
        if (url == null) {
            throw new ConfigurationException("Cannot tell which database the " + type + " points to: it exposes no "
                    + "JDBC URL (getJdbcUrl()/getUrl()). Rehearsal needs the URL and credentials to reach branches "
                    + "on the same server: use target(jdbcUrl, user, password) instead of target(dataSource)");
        }
        return DatabaseLocation.of(url, call(dataSource, USER_GETTERS), call(dataSource, PASSWORD_GETTERS));
    }

    /** The DataSource whose connections {@code dataSource} hands out, through the wrappers that expose it. */
    private static DataSource unwrapped(DataSource dataSource) {
        DataSource current = dataSource;
        for (int depth = 0; depth < MAX_WRAPPERS && call(current, URL_GETTERS) == null; depth++) {
            Object target = invoke(current, "getTargetDataSource");
            if (!(target instanceof DataSource wrapped) || wrapped == current) {
                break;
            }
            if (isA(current.getClass(), OWN_CREDENTIALS)) {
                throw new ConfigurationException("The " + current.getClass().getName() + " around "
                        + wrapped.getClass().getName() + " logs in with credentials of its own, which it does not "
                        + "expose: give the database to migrate with its URL and credentials, "
                        + Setting.TARGET.spelled());
            }
            current = wrapped;
        }
        return current;
    }

    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String call(Object target, List<String> getters) {
        for (String getter : getters) {
            if (invoke(target, getter) instanceof String value) {
                return value;
            }
        }
        return null;
    }

    /** What the public no-argument method {@code name} returns, or null when there is none or it fails. */
    private static Object invoke(Object target, String name) {
        try {
            Method method = target.getClass().getMethod(name);
            return method.getParameterCount() == 0 ? method.invoke(target) : null;
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a getter that fails tells us nothing
            return null;
        }
    }
}
