package dev.rehearsal.flyway;

import dev.rehearsal.api.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * The Flyway on the class path — flyway-core and its PostgreSQL module, flyway-database-postgresql — and what
 * differs between the Flyway versions Rehearsal supports, 10 to 13. Rehearsal compiles against Flyway 13 and uses
 * only what every version from 10 on has, but for the two places below, each looked up once.
 */
final class FlywayModules {
    static final String CORE = "flyway-core";
    static final String POSTGRES = "flyway-database-postgresql";
    /** The oldest major version supported: Flyway 10 moved PostgreSQL into its own module. */
    private static final int OLDEST = 10;
    private static final String POSTGRES_EXTENSION =
            "org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension";
    /** Flyway's documented setting for its PostgreSQL advisory lock. */
    private static final String TRANSACTIONAL_LOCK = "flyway.postgresql.transactional.lock";
    /**
     * Whether {@code FluentConfiguration.getConfigurationExtension} exists: Flyway 11.14 has it, 11.7 (Spring Boot
     * 3.5's) and 10 do not.
     */
    private static final boolean EXTENSION_LOOKUP = hasExtensionLookup();
    /** The class path does not change: its Flyway is looked at once. */
    private static final String CORE_VERSION = version(Flyway.class, CORE);
    private static final String PROBLEM = problem();

    private FlywayModules() {
    }

    /** The version of flyway-core on the class path, e.g. {@code 13.12.2}, or {@code (unknown version)}. */
    static String coreVersion() {
        return CORE_VERSION == null ? "(unknown version)" : CORE_VERSION;
    }

    /**
     * Nothing when flyway-core is 10 or later and flyway-database-postgresql is on the class path at the same version.
     * Flyway loads its PostgreSQL module as a plugin and calls into it: a module of another version fails deep inside
     * a migration ({@code NoSuchMethodError}), a missing one with "No database found to handle jdbc:postgresql".
     *
     * @throws ConfigurationException naming the versions found and the dependency to declare
     */
    static void requireMatchingModules() {
        if (PROBLEM != null) {
            throw new ConfigurationException(PROBLEM);
        }
    }

    private static String problem() {
        Class<?> postgres;
        try {
            postgres = Class.forName(POSTGRES_EXTENSION, false, FlywayModules.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            postgres = null;
        }
        return mismatch(CORE_VERSION, postgres == null ? null : version(postgres, POSTGRES), postgres != null);
    }

    /**
     * What is wrong with these versions of flyway-core and flyway-database-postgresql (null when a version is not
     * known), or null when they go together.
     */
    static String mismatch(String core, String postgres, boolean postgresPresent) {
        if (core != null && major(core) < OLDEST) {
            return "Rehearsal works with Flyway " + OLDEST + " to 13, and the class path has Flyway " + core
                    + " (" + CORE + "): upgrade org.flywaydb:" + CORE + " to " + OLDEST + " or later, with "
                    + "org.flywaydb:" + POSTGRES + " at the same version";
        }
        String declare = "declare org.flywaydb:" + POSTGRES + ":" + (core == null ? "<the version of " + CORE + ">"
                : core) + " beside " + CORE + " (Spring Boot's dependency management does, when neither names a "
                + "version)";
        if (!postgresPresent) {
            return "Flyway's PostgreSQL module (" + POSTGRES + ") is not on the class path: Flyway " + OLDEST
                    + " and later need it to migrate PostgreSQL; " + declare;
        }
        if (core != null && postgres != null && !core.equals(postgres)) {
            return "Flyway's PostgreSQL module (" + POSTGRES + " " + postgres + ") does not go with " + CORE + " "
                    + core + " on the class path: Flyway needs both at one version, else it fails in the middle of "
                    + "a migration; " + declare;
        }
        return null;
    }

    /**
     * Makes Flyway hold its PostgreSQL advisory lock for the session rather than inside a transaction, as
     * {@code flyway.postgresql.transactional.lock=false} does: under the transactional lock, {@code CREATE INDEX
     * CONCURRENTLY} would wait for Flyway's own open transaction forever. Through the extension object where Flyway
     * has {@code getConfigurationExtension} (the setting needs the optional Jackson 3 in Flyway 13), else through the
     * setting, which those older versions read with the Jackson they depend on.
     */
    static FluentConfiguration useSessionLock(FluentConfiguration configuration) {
        if (EXTENSION_LOOKUP) {
            PostgreSQLConfigurationExtension postgres =
                    configuration.getConfigurationExtension(PostgreSQLConfigurationExtension.class);
            if (postgres != null) {
                postgres.setTransactionalLock(false);
            }
            return configuration;
        }
        return configuration.configuration(Map.of(TRANSACTIONAL_LOCK, "false"));
    }

    private static boolean hasExtensionLookup() {
        try {
            FluentConfiguration.class.getMethod("getConfigurationExtension", Class.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The major version of a version like {@code 11.7.2}; 0 when it is not a number. */
    private static int major(String version) {
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, Math.min(end, 9)));
    }

    /** The version of the artifact that holds {@code type}, from its Maven metadata or its jar's manifest. */
    private static String version(Class<?> type, String artifact) {
        try (InputStream in = type.getResourceAsStream("/META-INF/maven/org.flywaydb/" + artifact
                + "/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return version;
                }
            }
        } catch (IOException e) {
            // the manifest below, else unknown
        }
        return type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
    }
}
