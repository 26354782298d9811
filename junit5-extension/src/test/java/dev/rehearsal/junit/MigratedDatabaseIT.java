package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.internal.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension as test suites use it, run through JUnit's own EngineTestKit. */
class MigratedDatabaseIT {
    /** Database names the fixture tests ran on, by fixture. */
    static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

    @Test
    void eachTestMethodGetsAFreshMigratedDatabaseByFieldAndByParameter() throws Exception {
        SEEN.clear();

        run(PerMethod.class).assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(2);
        assertNoCloneLeft();
    }

    @Test
    void perClassIsolationSharesOneDatabaseAcrossTheClassesTests() {
        SEEN.clear();

        run(PerClass.class).assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(1);
    }

    @Test
    void aStaticFieldGetsTheClasssDatabaseBeforeTheTestInstanceIsMade() {
        SEEN.clear();

        run(PerClassStaticField.class).assertStatistics(stats -> stats.started(2).succeeded(2));

        assertThat(SEEN).hasSize(1);
        assertThat(PerClassStaticField.atConstruction).startsWith("jdbc:postgresql://")
                .contains(SEEN.iterator().next());
    }

    @Test
    void refusesAStaticFieldWhenEachTestMethodHasItsOwnDatabase() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(PerMethodStaticField.class)).execute()
                .containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("@TestDatabase static url") && m.contains("Isolation.PER_CLASS")))));
    }

    @Test
    void parallelClassesEachGetDistinctDatabases() {
        SEEN.clear();

        EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .selectors(selectClass(Parallel1.class), selectClass(Parallel2.class), selectClass(Parallel3.class),
                        selectClass(Parallel4.class))
                .execute().testEvents().assertStatistics(stats -> stats.started(8).succeeded(8));

        assertThat(SEEN).hasSize(8);
    }

    @Test
    void anUnchangedTemplateIsReusedAndAChangedMigrationRebuildsIt(@TempDir Path migrations) throws Exception {
        Files.writeString(migrations.resolve("V1__notes.sql"), "CREATE TABLE notes (id int PRIMARY KEY);");
        Flyway flyway = Flyway.configure().locations("filesystem:" + migrations).load();
        String first = MigratedTemplate.ensure(TestServer.get(), FlywayEngine.of(flyway));
        String firstOid = oid(first);

        String again = MigratedTemplate.ensure(TestServer.get(), FlywayEngine.of(flyway));

        assertThat(again).isEqualTo(first);
        assertThat(oid(again)).as("not rebuilt").isEqualTo(firstOid);

        Files.writeString(migrations.resolve("V1__notes.sql"), "CREATE TABLE notes (id int PRIMARY KEY, body text);");
        String rebuilt = MigratedTemplate.ensure(TestServer.get(), FlywayEngine.of(flyway));

        assertThat(rebuilt).isNotEqualTo(first).startsWith(MigratedTemplate.PREFIX);
        assertThat(query(rebuilt, "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                + "WHERE attrelid = 'notes'::regclass AND attnum > 0")).containsExactly("id,body");
        assertThat(oid(first)).as("the template of the old migrations is dropped").isNull();
    }

    @Test
    void throughTheEngineAChangedMigrationGivesTestsTheNewSchema(@TempDir Path migrations) throws Exception {
        Files.writeString(migrations.resolve("V1__notes.sql"), "CREATE TABLE notes (id int PRIMARY KEY);");
        System.setProperty(ChangingMigrations.LOCATION, "filesystem:" + migrations);
        try {
            SEEN.clear();
            run(ChangingMigrations.class).assertStatistics(stats -> stats.succeeded(1));
            List<String> before = new ArrayList<>(ChangingMigrations.COLUMNS);

            Files.writeString(migrations.resolve("V1__notes.sql"), "CREATE TABLE notes (id int PRIMARY KEY, body text);");
            run(ChangingMigrations.class).assertStatistics(stats -> stats.succeeded(1));

            assertThat(before).containsExactly("id");
            assertThat(ChangingMigrations.COLUMNS).containsExactly("id", "body");
            assertThat(ChangingMigrations.TEMPLATES).hasSize(2).doesNotHaveDuplicates();
        } finally {
            System.clearProperty(ChangingMigrations.LOCATION);
        }
    }

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
    }

    private static void assertNoCloneLeft() throws SQLException {
        assertThat(query("postgres", "SELECT datname FROM pg_database WHERE starts_with(datname, '"
                + ClonePool.PREFIX + ProcessHandle.current().pid() + "_')")).isEmpty();
    }

    private static String oid(String database) throws SQLException {
        List<String> oid = query("postgres", "SELECT oid::text FROM pg_database WHERE datname = '" + database + "'");
        return oid.isEmpty() ? null : oid.get(0);
    }

    static List<String> query(String database, String sql) throws SQLException {
        try (Connection connection = TestServer.get().database(database).dataSource(Sql.APPLICATION_NAME)
                .getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    static MigratedDatabase.Builder fixtureDatabase() {
        return MigratedDatabase.builder(FlywayEngine.of(Flyway.configure().locations("classpath:db/junit")));
    }

    /** Writes in each test and sees only its own write: the databases are distinct and freshly migrated. */
    private static void writeAndCheckIsolation(Connection connection, String label) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO accounts (owner) VALUES ('" + label + "')");
            try (ResultSet rows = statement.executeQuery("SELECT count(*), current_database() FROM accounts")) {
                rows.next();
                assertThat(rows.getInt(1)).as("the seed row and this test's row only").isEqualTo(2);
                SEEN.add(rows.getString(2));
            }
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerMethod {
        @RegisterExtension
        static MigratedDatabase database = fixtureDatabase().build();

        @TestDatabase
        DataSource dataSource;

        @Test
        @Order(1)
        void first(Connection connection) throws SQLException {
            writeAndCheckIsolation(connection, "first");
        }

        @Test
        @Order(2)
        void second(@TestDatabase String url) throws SQLException {
            assertThat(url).contains(ClonePool.PREFIX).doesNotContain("password");
            try (Connection connection = dataSource.getConnection()) {
                assertThat(connection.getMetaData().getURL()).startsWith(url.substring(0, url.indexOf('?')));
                writeAndCheckIsolation(connection, "second");
            }
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClass {
        @RegisterExtension
        static MigratedDatabase database = fixtureDatabase().isolation(Isolation.PER_CLASS).build();

        @Test
        @Order(1)
        void writes(Connection connection) throws SQLException {
            writeAndCheckIsolation(connection, "per class");
        }

        @Test
        @Order(2)
        void seesTheWriteOfTheFirstTest(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*), current_database() FROM accounts")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(2);
                SEEN.add(rows.getString(2));
            }
        }
    }

    /** As a {@code @SpringBootTest} takes the class's database: from a static field, read as the instance is made. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassStaticField {
        static String atConstruction;

        @RegisterExtension
        static MigratedDatabase database = fixtureDatabase().isolation(Isolation.PER_CLASS).build();

        @TestDatabase
        static String url;

        @TestDatabase
        static DataSource dataSource;

        PerClassStaticField() {
            atConstruction = url;
        }

        @Test
        @Order(1)
        void writes() throws SQLException {
            try (Connection connection = dataSource.getConnection()) {
                writeAndCheckIsolation(connection, "static");
            }
        }

        @Test
        @Order(2)
        void seesTheWriteOfTheFirstTestThroughTheUrl() throws SQLException {
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*), current_database() FROM accounts")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(2);
                SEEN.add(rows.getString(2));
            }
        }
    }

    static class PerMethodStaticField {
        @RegisterExtension
        static MigratedDatabase database = fixtureDatabase().build();

        @TestDatabase
        static String url;

        @Test
        void neverRuns() {
        }
    }

    /** Its migrations are where a system property says, read when each test instance is made. */
    static class ChangingMigrations {
        static final String LOCATION = "rehearsal.test.fixtureLocation";
        static final List<String> COLUMNS = new java.util.concurrent.CopyOnWriteArrayList<>();
        static final List<String> TEMPLATES = new java.util.concurrent.CopyOnWriteArrayList<>();

        @RegisterExtension
        MigratedDatabase database = MigratedDatabase.with(FlywayEngine.of(Flyway.configure()
                .locations(System.getProperty(LOCATION))));

        @Test
        void seesTheCurrentSchema(Connection connection) throws SQLException {
            TEMPLATES.add(database.template());
            COLUMNS.clear();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT attname FROM pg_attribute WHERE attrelid = "
                         + "'notes'::regclass AND attnum > 0 ORDER BY attnum")) {
                while (rows.next()) {
                    COLUMNS.add(rows.getString(1));
                }
            }
        }
    }

    abstract static class ParallelFixture {
        @RegisterExtension
        static MigratedDatabase database = fixtureDatabase().poolSize(8).build();

        @Test
        void one(Connection connection) throws SQLException {
            writeAndCheckIsolation(connection, "one");
        }

        @Test
        void two(Connection connection) throws SQLException {
            writeAndCheckIsolation(connection, "two");
        }
    }

    static class Parallel1 extends ParallelFixture {
    }

    static class Parallel2 extends ParallelFixture {
    }

    static class Parallel3 extends ParallelFixture {
    }

    static class Parallel4 extends ParallelFixture {
    }
}
