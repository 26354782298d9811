package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** The shapes of the start-up API the README shows. */
class StartupUsageIT {

    @Test
    void worksAsASpringBootStyleMigrationStrategyGivenOnlyTheFlywayInstance() {
        String target = Shop.production("strategy");
        Flyway flyway = Shop.flyway(target, "db/base", "db/safe").load();
        // What a FlywayMigrationStrategy body looks like: everything comes from the Flyway instance.
        Consumer<Flyway> strategy = f -> Rehearsal.configure()
                .target(f.getConfiguration().getDataSource())
                .engine(FlywayEngine.of(f))
                .load()
                .run()
                .orThrow();

        strategy.accept(flyway);

        assertThat(Shop.history(target)).hasSize(4);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void takesTheTargetFromAHikariPoolWithoutStartingThePool() {
        String target = Shop.production("hikari");
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(POSTGRES.jdbcUrl(target));
            pool.setUsername("postgres");
            pool.setPoolName("application-pool");

            Outcome outcome = Rehearsal.configure().target(pool)
                    .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/safe"))).load().run();

            assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
            assertThat(pool.isRunning()).as("an unstarted pool would hold sessions that block branching").isFalse();
        }
    }

    @Test
    void failsStartUpWithTheReasonWhenTheRehearsalFails() {
        String target = Shop.production("startupfail");
        Flyway flyway = Shop.flyway(target, "db/base", "db/duplicates").load();

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Rehearsal.configure()
                .target(flyway.getConfiguration().getDataSource())
                .engine(FlywayEngine.of(flyway)).load().run().orThrow());

        assertThat(thrown).isInstanceOf(dev.rehearsal.outcome.RehearsalFailedException.class)
                .hasMessageContaining("FAILED_ON_BRANCH")
                .hasMessageContaining("could not create unique index");
        assertThat(((dev.rehearsal.outcome.RehearsalFailedException) thrown).code().exitCode()).isEqualTo(2);
        assertThat(Shop.history(target)).hasSize(2);
    }
}
