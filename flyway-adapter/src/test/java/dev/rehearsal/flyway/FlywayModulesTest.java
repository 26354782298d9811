package dev.rehearsal.flyway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.Test;

class FlywayModulesTest {

    @Test
    void theSessionLockIsSetOnTheCopyAloneAndTheCopyKeepsTheUsersSettings() {
        FluentConfiguration users = Flyway.configure().locations("classpath:db/base").outOfOrder(true)
                .placeholders(Map.of("owner", "app"));

        FluentConfiguration copy = FlywayModules.useSessionLock(Flyway.configure().configuration(users));

        assertThat(transactionalLock(copy)).isFalse();
        assertThat(transactionalLock(users)).isTrue();
        assertThat(copy.getLocations()).extracting(Location::getDescriptor).containsExactly("classpath:db/base");
        assertThat(copy.isOutOfOrder()).isTrue();
        assertThat(copy.getPlaceholders()).containsEntry("owner", "app");
    }

    @Test
    void thePostgresqlModuleOfAnotherVersionIsRefusedNamingTheOneToDeclare() {
        assertThat(FlywayModules.mismatch("11.7.2", "13.12.2", true))
                .contains("flyway-database-postgresql 13.12.2", "flyway-core 11.7.2",
                        "declare org.flywaydb:flyway-database-postgresql:11.7.2 beside flyway-core");
    }

    @Test
    void aMissingPostgresqlModuleIsNamedWithItsVersion() {
        assertThat(FlywayModules.mismatch("10.22.0", null, false))
                .contains("not on the class path", "org.flywaydb:flyway-database-postgresql:10.22.0");
    }

    @Test
    void aFlywayOlderThanTenIsRefused() {
        assertThat(FlywayModules.mismatch("9.22.3", "13.12.2", true))
                .contains("Flyway 10 to 13", "Flyway 9.22.3", "upgrade org.flywaydb:flyway-core to 10 or later");
    }

    @Test
    void modulesOfOneVersionOrOfUnknownVersionsPass() {
        assertThat(FlywayModules.mismatch("10.22.0", "10.22.0", true)).isNull();
        assertThat(FlywayModules.mismatch("13.12.2", "13.12.2", true)).isNull();
        assertThat(FlywayModules.mismatch(null, "13.12.2", true)).isNull();
        assertThat(FlywayModules.mismatch("12.4.0", null, true)).isNull();
    }

    @Test
    void theModulesOnTheTestClassPathGoTogether() {
        assertThatCode(FlywayModules::requireMatchingModules).doesNotThrowAnyException();
        assertThat(FlywayModules.coreVersion()).matches("1[0-3]\\.\\d+\\.\\d+");
    }

    /**
     * Flyway's PostgreSQL lock setting of a configuration, read the way every Flyway from 10 to 13 allows: getPlugin
     * is deprecated since 11, but its replacement, getConfigurationExtension, came only in 11.14.
     */
    @SuppressWarnings("deprecation")
    static boolean transactionalLock(FluentConfiguration flyway) {
        return flyway.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).isTransactionalLock();
    }
}
