package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Promotion with Flyway itself where Flyway's own state decides: a database Flyway never migrated. (A migration that
 * gives way to a lock and is retried is part of the engine contract: {@link FlywayEngineContractIT}.)
 */
class FlywayPromotionIT {
    @Test
    void aDatabaseFlywayNeverMigratedTakesAMigrationOutsideATransactionFromTheFirstVersion() {
        // Flyway refuses a schema that holds tables but no history: Rehearsal's record of the promotion must not
        // be the table it finds there
        String target = POSTGRES.createDatabase("flyway_first_run");

        FluentConfiguration flyway = Shop.flyway(target, "db/base", "db/concurrent");

        Outcome outcome = Rehearsal.configure().target(POSTGRES.jdbcUrl(target), "postgres", null)
                .engine(FlywayEngine.of(flyway))
                .load().run();

        assertThat(outcome.verdict()).as(String.valueOf(outcome.failure())).isEqualTo(Verdict.PROMOTED);
        assertThat(Shop.history(target)).extracting(row -> row.split("\\|")[1]).containsExactly("1", "2", "3");
        assertThat(POSTGRES.query(target, "SELECT indisvalid FROM pg_index WHERE indexrelid = "
                + "'customers_name_idx'::regclass")).containsExactly("t");
        assertThat(POSTGRES.query(target, "SELECT to_regclass('rehearsal_intent') IS NULL")).containsExactly("t");
        // the engine takes Flyway's session lock for CREATE INDEX CONCURRENTLY on a copy of the configuration
        assertThat(FlywayModulesTest.transactionalLock(flyway)).as("the user's configuration object is not changed")
                .isTrue();
    }
}
