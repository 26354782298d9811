package dev.rehearsal.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.rehearsal.api.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.simple.SimpleLogger;

/**
 * The Flyway jars a user's build may really bring, each in a class loader of its own beside Rehearsal's classes:
 * {@link FlywayEngine#of} refuses what would fail later (a Flyway older than 10, a PostgreSQL module missing or of
 * another version) with the dependency to declare, before it reads the configuration, so before any branch is made;
 * and so do {@link FlywaySettings}, through which the CLI and the Maven plugin configure Flyway.
 */
class UnsupportedFlywayTest {
    private static final Path VERSIONS = Path.of(System.getProperty("rehearsal.test.flyway.dir", "target/flyway"));
    /** The class path's Flyway, which Rehearsal is compiled against. */
    private static final String CURRENT = FlywayModules.coreVersion();
    private static final String OTHER = System.getProperty("rehearsal.test.flyway.other", "11.7.2");
    private static final String OLD = System.getProperty("rehearsal.test.flyway.old", "9.22.3");

    @Test
    void aFlywayOlderThanTenIsRefusedNamingTheUpgrade() throws Exception {
        assertThat(refusal(jar(OLD, FlywayModules.CORE)))
                .contains("Rehearsal works with Flyway 10 to 13", "the class path has Flyway " + OLD,
                        "upgrade org.flywaydb:flyway-core to 10 or later, with org.flywaydb:flyway-database-postgresql"
                                + " at the same version");
    }

    @Test
    void aPostgresqlModuleNewerThanFlywayIsRefusedNamingTheOneToDeclare() throws Exception {
        assertThat(refusal(jar(OTHER, FlywayModules.CORE), location(PostgreSQLConfigurationExtension.class)))
                .contains("(flyway-database-postgresql " + CURRENT + ") does not go with flyway-core " + OTHER,
                        "declare org.flywaydb:flyway-database-postgresql:" + OTHER + " beside flyway-core");
    }

    @Test
    void aPostgresqlModuleOlderThanFlywayIsRefusedNamingTheOneToDeclare() throws Exception {
        assertThat(refusal(location(Flyway.class), jar(OTHER, FlywayModules.POSTGRES)))
                .contains("(flyway-database-postgresql " + OTHER + ") does not go with flyway-core " + CURRENT,
                        "declare org.flywaydb:flyway-database-postgresql:" + CURRENT + " beside flyway-core");
    }

    @Test
    void aMissingPostgresqlModuleIsRefusedNamingTheOneToDeclare() throws Exception {
        assertThat(refusal(location(Flyway.class)))
                .contains("(flyway-database-postgresql) is not on the class path",
                        "declare org.flywaydb:flyway-database-postgresql:" + CURRENT + " beside flyway-core");
    }

    @Test
    void theClassPathsOwnFlywayIsAccepted() throws Exception {
        assertThat(refusal(location(Flyway.class), location(PostgreSQLConfigurationExtension.class))).isNull();
    }

    @Test
    void settingsGatheredByAFrontEndAreRefusedBeforeAnOldFlywayRejectsTheNewOnes() throws Exception {
        URL[] urls = {location(FlywayEngine.class), location(ConfigurationException.class),
                jar(OLD, FlywayModules.CORE), jar(OLD, "gson"), location(TomlMapper.class),
                location(ObjectMapper.class), location(JsonFactory.class), location(JsonProperty.class),
                location(LoggerFactory.class), location(SimpleLogger.class)};
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Object builder = loader.loadClass(FlywaySettings.class.getName()).getMethod("builder").invoke(null);
            // a setting Flyway 10 brought: Flyway 9 would call it unknown and not say that it is too old
            builder.getClass().getMethod("commandLine", String.class, String.class)
                    .invoke(builder, "communityDBSupportEnabled", "true");
            Object settings = builder.getClass().getMethod("load").invoke(builder);
            Method engine = settings.getClass().getMethod("engine", ClassLoader.class);

            assertThat(thrown(() -> engine.invoke(settings, loader))).contains("the class path has Flyway " + OLD);
        }
    }

    /**
     * The message of the ConfigurationException {@code FlywayEngine.of} throws with these Flyway jars, null when it
     * accepts them. The configuration it is given fails the test if it is read.
     */
    private static String refusal(URL... flyway) throws Exception {
        URL[] urls = new URL[flyway.length + 2];
        urls[0] = location(FlywayEngine.class);
        urls[1] = location(ConfigurationException.class);
        System.arraycopy(flyway, 0, urls, 2, flyway.length);
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> configuration = loader.loadClass("org.flywaydb.core.api.configuration.Configuration");
            Object unread = Proxy.newProxyInstance(loader, new Class<?>[] {configuration}, (proxy, method, args) -> {
                throw new AssertionError("the configuration was read (" + method.getName() + ") before the check");
            });
            Method of = loader.loadClass(FlywayEngine.class.getName()).getMethod("of", configuration);
            return thrown(() -> of.invoke(null, unread));
        }
    }

    /** The message of the ConfigurationException the call throws, null when it throws none. */
    private static String thrown(Callable<Object> call) throws Exception {
        try {
            call.call();
            return null;
        } catch (InvocationTargetException e) {
            assertThat(e.getCause().getClass().getName()).isEqualTo(ConfigurationException.class.getName());
            return e.getCause().getMessage();
        }
    }

    private static URL jar(String version, String artifact) throws Exception {
        Path jar = VERSIONS.resolve(version).resolve(artifact + ".jar");
        assertThat(jar).as("copied by the build (maven-dependency-plugin)").exists();
        return jar.toUri().toURL();
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
