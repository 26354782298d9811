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
    void promotesASafeChangeSetWithTheHistoryPlainFlywayWouldHaveWritten() {
        String target = Shop.production("promote");
        String reference = Shop.twin(target);
        Shop.flyway(reference, "db/base", "db/safe").load().migrate();

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base", "db/safe")).load().run();

        assertThat(outcome.verdict()).as(String.join("; ", outcome.reasons())).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch,
                        MigrationStatus::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("3", State.APPLIED, State.APPLIED),
                        org.assertj.core.groups.Tuple.tuple("4", State.APPLIED, State.APPLIED));
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM orders")).containsExactly("3333");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
        assertThat(Shop.describeWithoutHistoryTimes(target)).isEqualTo(Shop.describeWithoutHistoryTimes(reference));
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
        assertThat(outcome.branch().kept()).isFalse();
    }

    @Test
    void blocksAMigrationThatFailsOnTheTargetsDataAndLeavesTheTargetByteForByteUnchanged() {
        String target = Shop.production("duplicates");
        String before = POSTGRES.describe(target);

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base", "db/duplicates")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().database()).isEqualTo("branch");
        assertThat(outcome.failure().migration()).isEqualTo("3");
        assertThat(outcome.failure().sqlState()).isEqualTo("23505");
        assertThat(outcome.failure().statement()).contains("CREATE UNIQUE INDEX customers_email_key");
        assertThat(outcome.failure().message()).contains("could not create unique index");
        assertThat(outcome.failure().detail()).contains("is duplicated");
        assertThat(outcome.migrations()).singleElement()
                .satisfies(m -> {
                    assertThat(m.branch()).isEqualTo(State.FAILED);
                    assertThat(m.target()).isEqualTo(State.NOT_RUN);
                });
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
        assertThatThrownBy(outcome::orThrow).hasMessageContaining("23505").hasMessageContaining("migration 3");
    }

    @Test
    void letsNothingOfAThreeFileChangeSetReachTheTargetWhenTheSecondFails() {
        String target = Shop.production("three");
        String before = POSTGRES.describe(target);

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base", "db/three")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.migrations()).extracting(MigrationStatus::id, MigrationStatus::branch,
                        MigrationStatus::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("3", State.APPLIED, State.NOT_RUN),
                        org.assertj.core.groups.Tuple.tuple("4", State.FAILED, State.NOT_RUN),
                        org.assertj.core.groups.Tuple.tuple("5", State.NOT_RUN, State.NOT_RUN));
        assertThat(outcome.failure().sqlState()).isEqualTo("23502");
        assertThat(outcome.failure().statement()).contains("SET NOT NULL");
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
        assertThat(Shop.history(target)).hasSize(2);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void makesNoBranchWhenNothingIsPending() {
        String target = Shop.production("uptodate");
        String before = POSTGRES.describe(target);
        var databasesBefore = POSTGRES.databasesStartingWith(TemplateBranchProvider.DEFAULT_PREFIX);

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base")).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.NOTHING_PENDING);
        assertThat(outcome.branch()).isNull();
        assertThat(outcome.migrations()).isEmpty();
        assertThat(POSTGRES.databasesStartingWith(TemplateBranchProvider.DEFAULT_PREFIX)).isEqualTo(databasesBefore);
        assertThat(POSTGRES.describe(target)).isEqualTo(before);
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
    void tracesEveryStatementOfTheRehearsalAndAttributesItToItsMigration() {
        String target = Shop.production("trace");

        Outcome outcome = rehearsal(target, Shop.flyway(target, "db/base", "db/safe")).load().rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo("3");
            assertThat(s.sql()).contains("ADD COLUMN loyalty_points");
            assertThat(s.inTransaction()).isTrue();
        });
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo("4");
            assertThat(s.sql()).contains("INSERT INTO orders");
            assertThat(s.rowsAffected()).isEqualTo(3333L);
        });
        assertThat(Shop.history(target)).hasSize(2);
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
