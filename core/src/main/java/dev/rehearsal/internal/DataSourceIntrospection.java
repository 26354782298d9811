package dev.rehearsal.internal;

import dev.rehearsal.ConfigurationException;
import dev.rehearsal.DatabaseLocation;
import java.lang.reflect.Method;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the JDBC URL and credentials of a DataSource from its bean getters, without opening a connection (which
 * would, for a pool, keep sessions on the target and make it impossible to branch). Knows the getter names of
 * pgjdbc, HikariCP, Flyway, Spring, Tomcat and Commons DBCP data sources.
 */
public final class DataSourceIntrospection {
    private static final List<String> URL_GETTERS = List.of("getJdbcUrl", "getUrl", "getURL");
    private static final List<String> USER_GETTERS = List.of("getUsername", "getUser");
    private static final List<String> PASSWORD_GETTERS = List.of("getPassword");

    private DataSourceIntrospection() {
    }

    public static DatabaseLocation locationOf(DataSource dataSource) {
        String type = dataSource.getClass().getName();
        String url = call(dataSource, URL_GETTERS);
        if (url == null) {
            throw new ConfigurationException("Cannot tell which database the " + type + " points to: it exposes no "
                    + "JDBC URL (getJdbcUrl()/getUrl()). Rehearsal needs the URL and credentials to reach branches "
                    + "on the same server: use target(jdbcUrl, user, password) instead of target(dataSource)");
        }
        return DatabaseLocation.of(url, call(dataSource, USER_GETTERS), call(dataSource, PASSWORD_GETTERS));
    }

    private static String call(Object target, List<String> getters) {
        for (String getter : getters) {
            try {
                Method method = target.getClass().getMethod(getter);
                if (method.getReturnType() == String.class && method.getParameterCount() == 0) {
                    Object value = method.invoke(target);
                    if (value != null) {
                        return (String) value;
                    }
                }
            } catch (NoSuchMethodException e) {
                // try the next name
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a getter that fails tells us nothing; try the next name
            }
        }
        return null;
    }
}
