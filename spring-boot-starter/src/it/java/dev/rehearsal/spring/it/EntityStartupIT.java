package dev.rehearsal.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.spring.jpashop.Customer;
import dev.rehearsal.spring.jpashop.JpaShopApplication;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.hibernate.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application with a JPA entity on Boot's JPA and Flyway and the starter, no bean of its own: the entity Boot's
 * JPA finds is checked against the migrated branch with Boot's Hibernate (6.6 on Boot 3.5, 7.x on Boot 4.0) and
 * Boot's naming strategies, before the migrations reach the database.
 */
@ExtendWith(OutputCaptureExtension.class)
class EntityStartupIT {
    @TempDir
    Path reports;

    @Test
    void startsWhenTheEntitiesMatchTheMigratedDatabase() {
        // loyaltyPoints is column loyalty_points only by Boot's naming strategy; Hibernate validates it too at start
        Startup startup = Startup.onFlywayBase("entities_match", reports).application(JpaShopApplication.class)
                .with("spring.flyway.locations=classpath:db/flyway/base,classpath:db/flyway/safe",
                        "spring.jpa.hibernate.ddl-auto=validate");

        try (ConfigurableApplicationContext application = startup.start()) {
            assertThat(startup.query("SELECT max(version) FROM flyway_schema_history")).containsExactly("3");
        }
        assertThat(startup.report().path("verdict").asText()).isEqualTo("PROMOTED");
        assertThat(kinds(startup.report())).doesNotContain("entity-mismatch");
        startup.assertNoBranchLeft();
    }

    @Test
    void stopsStartUpWhenAMigrationRenamesAColumnTheEntityMaps(CapturedOutput output) {
        Startup startup = Startup.onFlywayBase("entities_rename", reports).application(JpaShopApplication.class)
                .with("spring.flyway.locations=classpath:db/flyway/base,classpath:db/flyway/safe,"
                        + "classpath:db/flyway/rename");
        String untouched = startup.describe();
        int before = output.length();

        assertThat(catchThrowable(startup::start)).as("start-up must fail").isNotNull();

        assertThat(output.toString().substring(before)).contains("APPLICATION FAILED TO START", "BLOCKED",
                "[entity-mismatch]", Customer.class.getName(), "attribute name").doesNotContain(
                "Application run failed");
        JsonNode report = startup.report();
        assertThat(report.path("verdict").asText()).isEqualTo("BLOCKED");
        JsonNode finding = StreamSupport.stream(report.path("findings").spliterator(), false)
                .filter(f -> f.path("kind").asText().equals("entity-mismatch")).findFirst().orElseThrow();
        assertThat(finding.path("severity").asText()).isEqualTo("BLOCKING");
        assertThat(finding.path("migration").asText()).isEqualTo("4");
        assertThat(finding.path("evidence").path("entity").asText()).isEqualTo(Customer.class.getName());
        assertThat(finding.path("evidence").path("attribute").asText()).isEqualTo("name");
        assertThat(finding.path("evidence").path("column").asText()).isEqualTo("name");
        assertThat(kinds(report)).filteredOn("entity-mismatch"::equals).hasSize(1);
        assertThat(startup.describe()).isEqualTo(untouched);
        assertThat(startup.query("SELECT max(version) FROM flyway_schema_history")).containsExactly("2");
        startup.assertNoBranchLeft();
        // each module runs on its Boot's own Hibernate
        assertThat(Version.getVersionString()).startsWith(System.getProperty("rehearsal.test.boot").startsWith("3.")
                ? "6.6." : "7.");
    }

    @Test
    void leavesTheEntitiesUncheckedWhenTurnedOff() {
        startsDespiteTheRename("entities_off", "rehearsal.entities.enabled=false");
    }

    @Test
    void leavesTheEntitiesToHibernateWhenItUpdatesTheSchemaItself() {
        // Hibernate adds the column its entity maps after the migrations: the mapping is what it is about to make
        startsDespiteTheRename("entities_ddl_auto", "spring.jpa.hibernate.ddl-auto=update");
    }

    /** The rename of a column the entity maps is promoted, and the application starts, with this property. */
    private void startsDespiteTheRename(String stem, String property) {
        Startup startup = Startup.onFlywayBase(stem, reports).application(JpaShopApplication.class)
                .with("spring.flyway.locations=classpath:db/flyway/base,classpath:db/flyway/safe,"
                        + "classpath:db/flyway/rename", property);

        try (ConfigurableApplicationContext application = startup.start()) {
            assertThat(startup.query("SELECT max(version) FROM flyway_schema_history")).containsExactly("4");
        }
        assertThat(startup.report().path("verdict").asText()).isEqualTo("PROMOTED");
        assertThat(kinds(startup.report())).doesNotContain("entity-mismatch");
    }

    private static List<String> kinds(JsonNode report) {
        return StreamSupport.stream(report.path("findings").spliterator(), false)
                .map(finding -> finding.path("kind").asText()).toList();
    }
}
