package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** The rehearsal pipeline end to end with Flyway, on the embedded PostgreSQL. */
class FlywayRehearsalIT {

    private static Rehearsal.Builder rehearsal(String database, FluentConfiguration flyway) {
        return Rehearsal.configure().target(POSTGRES.location(database)).engine(FlywayEngine.of(flyway));
    }

    @Test
    void namesTheOtherSessionWhenTheTargetIsInUseAndChangesNothing() throws Exception {
        String target = Shop.production("busy");
        String before = POSTGRES.describe(target);
        PGSimpleDataSource application = new PGSimpleDataSource();
        application.setURL(POSTGRES.jdbcUrl(target));
        application.setUser("postgres");
        application.setApplicationName("orders-service");

        try (Connection open = application.getConnection()) {
            assertThatThrownBy(() -> rehearsal(target, Shop.flyway(target, "db/base", "db/safe")).load().run())
                    .isInstanceOf(TargetInUseException.class)
                    .hasMessageContaining("orders-service")
                    .hasMessageContaining("never terminates")
                    .satisfies(e -> assertThat(((TargetInUseException) e).sessions())
                            .anySatisfy(s -> assertThat(s.applicationName()).isEqualTo("orders-service")));
            assertThat(open.isValid(2)).as("the other session is left alone").isTrue();
        }
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void keepsExactlyOneRecognisableBranchWhenAskedToKeepFailures(@TempDir Path reports) {
        String target = Shop.production("keep");
        Path report = reports.resolve("rehearsal.json");

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base", "db/duplicates"))
                .keepFailedBranch(Duration.ofHours(2))
                .reportTo(report)
                .load().run();

        try {
            assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
            assertThat(POSTGRES.branchesOf(target)).singleElement()
                    .isEqualTo(outcome.branch().name())
                    .asString().startsWith(TemplateBranchProvider.DEFAULT_PREFIX);
            assertThat(outcome.branch().kept()).isTrue();
            assertThat(outcome.branch().url()).endsWith("/" + outcome.branch().name()).doesNotContain("password");
            assertThat(outcome.branch().expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(110)));
            // The kept branch holds the state the failure happened in: V3 was rolled back, customers are there.
            assertThat(POSTGRES.query(outcome.branch().name(), "SELECT count(*) FROM customers"))
                    .containsExactly("10000");
            JsonNode json = Reports.readJson(report);
            assertThat(json.get("verdict").asText()).isEqualTo("FAILED_ON_BRANCH");
            assertThat(json.at("/branch/kept").asBoolean()).isTrue();
            assertThat(json.at("/failure/sqlState").asText()).isEqualTo("23505");
        } finally {
            POSTGRES.dropDatabase(outcome.branch().name());
        }
    }

    @Test
    void listsWhatTheMigrationsAfterAFailingOneWouldDoAsTheirTextShows(@TempDir Path reports) {
        String target = Shop.production("risks");
        Path report = reports.resolve("rehearsal.json");

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base", "db/risks")).reportTo(report).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().migration()).isEqualTo("3");
        assertThat(outcome.failure().sqlState()).isEqualTo("23502");
        assertThat(outcome.failure().statement()).contains("ALTER TABLE customers ALTER COLUMN email SET NOT NULL");
        MigrationStatus failed = outcome.migrations().get(0);
        MigrationStatus notRun = outcome.migrations().get(1);
        assertThat(failed.branch()).isEqualTo(State.FAILED);
        assertThat(failed.risks()).isEmpty();
        assertThat(notRun.name()).isEqualTo("V4__tidy_customers.sql");
        assertThat(notRun.branch()).isEqualTo(State.NOT_RUN);
        assertThat(notRun.risks()).extracting(Risk::kind).containsExactly("data-loss", "table-rewrite",
                "narrowing-type-change");
        assertThat(notRun.risks()).extracting(Risk::statement).containsExactly("ALTER TABLE customers DROP COLUMN name",
                "ALTER TABLE customers ALTER COLUMN email TYPE varchar(100)",
                "ALTER TABLE customers ALTER COLUMN email TYPE varchar(100)");
        assertThat(notRun.risks().get(0).message()).isEqualTo("would drop column name of table customers and its "
                + "values (read from the migration's text; it did not run on the branch)");
        assertThat(notRun.risks()).allSatisfy(risk -> assertThat(risk.remedy()).isNotBlank());
        assertThat(outcome.findings()).extracting(f -> f.migration()).containsOnly("3");
        assertThat(POSTGRES.branchesOf(target)).isEmpty();

        JsonNode json = Reports.readJson(report);
        assertThat(json.at("/migrations/0/risks").isMissingNode()).isTrue();
        assertThat(json.at("/migrations/1/risks/0/kind").asText()).isEqualTo("data-loss");
        assertThat(json.at("/migrations/1/risks/1/statement").asText())
                .isEqualTo("ALTER TABLE customers ALTER COLUMN email TYPE varchar(100)");
        assertThat(json.at("/migrations/1/risks/1/remedy").asText()).startsWith("add a new column of the new type");
        assertThat(json.at("/failure/sqlState").asText()).isEqualTo("23502");
    }

    @Test
    void readsTheTargetFromTheApplicationsDataSourceWithoutOpeningIt() {
        String target = Shop.production("datasource");
        PGSimpleDataSource application = new PGSimpleDataSource();
        application.setURL(POSTGRES.jdbcUrl(target));
        application.setUser("postgres");

        Outcome outcome = Rehearsal.configure().target(application)
                .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/safe").load()))
                .load().run();

        assertThat(outcome.verdict()).as(String.join("; ", outcome.reasons())).isEqualTo(Verdict.PROMOTED);
        assertThat(Shop.history(target)).hasSize(4);
    }
}
