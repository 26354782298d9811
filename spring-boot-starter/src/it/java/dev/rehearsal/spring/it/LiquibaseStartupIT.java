package dev.rehearsal.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.spring.jpashop.JpaShopApplication;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application on Boot's Liquibase auto-configuration and the starter: the changelog Boot updates at start-up is
 * rehearsed first, on Boot's managed Liquibase.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiquibaseStartupIT {
    @TempDir
    Path reports;

    @Test
    void promotesASafeChangelogAtStartUpAndRecordsItAsBootsLiquibaseDoes() {
        Startup startup = withCustomers("liquibase_safe").with(
                "spring.liquibase.change-log=classpath:/db/changelog/safe.yaml", "shop.wrap-data-source=true");

        try (ConfigurableApplicationContext application = startup.start()) {
            assertThat(startup.query("SELECT count(loyalty_points IS NULL) FROM customers")).containsExactly("1000");
            // the row Boot's Liquibase writes without the starter (taken from such a run), but for time and
            // deployment: the changeset is not run again when the starter is removed
            assertThat(startup.query("SELECT id || ' ' || author || ' ' || filename || ' ' || md5sum || ' ' "
                    + "|| exectype FROM databasechangelog")).containsExactly("add-loyalty-points shop "
                    + "db/changelog/safe.yaml 9:df06c283494db0d66d83bbae5432dc97 EXECUTED");
        }
        assertThat(startup.report().path("verdict").asText()).isEqualTo("PROMOTED");
        assertThat(startup.report().path("engine").asText()).isEqualTo("Liquibase " + System.getProperty(
                "rehearsal.test.liquibase"));
        startup.assertNoBranchLeft();
    }

    @Test
    void stopsStartUpBeforeADataLossChangelogReachesTheDatabase(CapturedOutput output) {
        Startup startup = withCustomers("liquibase_risky").with(
                "spring.liquibase.change-log=classpath:/db/changelog/risky.yaml");

        startup.assertStoppedBeforeTheDataLoss(output);
    }

    @Test
    void onlyRehearsesInRehearseModeAndLeavesTheDatabaseAsItWas() {
        Startup startup = withCustomers("liquibase_rehearse").with(
                "spring.liquibase.change-log=classpath:/db/changelog/safe.yaml", "rehearsal.mode=rehearse");
        String untouched = startup.describe();

        try (ConfigurableApplicationContext application = startup.start()) {
            assertThat(startup.describe()).as("neither Rehearsal nor Boot's Liquibase changed it")
                    .isEqualTo(untouched);
        }
        assertThat(startup.report().path("verdict").asText()).isEqualTo("PASSED");
        startup.assertNoBranchLeft();
    }

    @Test
    void stopsStartUpWhenAChangeSetRenamesAColumnAnEntityMaps(CapturedOutput output) {
        Startup startup = withCustomers("liquibase_entities").application(JpaShopApplication.class).with(
                "spring.liquibase.change-log=classpath:/db/changelog/rename.yaml");
        String untouched = startup.describe();
        int before = output.length();

        assertThat(catchThrowable(startup::start)).as("start-up must fail").isNotNull();

        assertThat(output.toString().substring(before)).contains("APPLICATION FAILED TO START", "BLOCKED",
                "[entity-mismatch]", "attribute name");
        assertThat(startup.report().path("verdict").asText()).isEqualTo("BLOCKED");
        assertThat(startup.report().path("findings").findValuesAsText("migration"))
                .anyMatch(migration -> migration.contains("rename-customer-name"));
        assertThat(startup.describe()).isEqualTo(untouched);
        startup.assertNoBranchLeft();
    }

    /** A database that already has 1,000 customers with a legacy code, and no Liquibase history yet. */
    private Startup withCustomers(String stem) {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase(stem);
        postgres.execute(database, "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, "
                + "legacy_code text)", "INSERT INTO customers SELECT n, 'customer ' || n, 'L-' || n "
                + "FROM generate_series(1, 1000) AS n");
        return new Startup(database, reports).with("spring.flyway.enabled=false");
    }
}
