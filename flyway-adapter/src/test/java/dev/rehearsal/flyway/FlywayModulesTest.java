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
