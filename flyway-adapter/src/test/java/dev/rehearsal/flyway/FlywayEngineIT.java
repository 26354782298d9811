package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

/** The user's own Flyway configuration is honoured on the branch and on the target. */
class FlywayEngineIT {

    private static Outcome run(String target, FluentConfiguration flyway) {
        return Rehearsal.configure().target(POSTGRES.location(target)).engine(FlywayEngine.of(flyway)).load().run();
    }

    @Test
    void namesTheFlywayThatRuns() {
        String expected = System.getProperty("rehearsal.test.flyway");
        assumeThat(expected).as("set by the build for each Flyway version the tests run on").isNotNull();

        assertThat(FlywayEngine.of(Shop.flyway("unused")).name()).isEqualTo("Flyway " + expected);
    }

    @Test
    void replacesTheUsersPlaceholders() {
        String target = Shop.production("placeholders");

        Outcome outcome = run(target, Shop.flyway(target, "db/base", "db/placeholders")
                .placeholders(Map.of("audit_table", "customer_audit", "default_note", "created by V3")));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(POSTGRES.query(target, "SELECT column_default FROM information_schema.columns "
                + "WHERE table_name = 'customer_audit' AND column_name = 'note'"))
                .containsExactly("'created by V3'::text");
    }

    @Test
    void appliesAnOutOfOrderMigrationAsFlywayWould() {
        String target = Shop.production("outoforder");
        Shop.flyway(target, "db/base", "db/safe").load().migrate();
        String reference = POSTGRES.createCopyOf(target);
        Shop.flyway(reference, "db/base", "db/safe", "db/outoforder").outOfOrder(true).load().migrate();

        Outcome outcome = run(target, Shop.flyway(target, "db/base", "db/safe", "db/outoforder").outOfOrder(true));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).extracting(m -> m.id()).containsExactly("3.5");
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
    }

    @Test
    void baselinesAnExistingSchemaAsFlywayWould() {
        String target = POSTGRES.createDatabase("baseline");
        POSTGRES.execute(target, "CREATE TABLE customers (id bigserial PRIMARY KEY, email text, name text NOT NULL, "
                + "created_at timestamptz NOT NULL DEFAULT now())", "INSERT INTO customers (name) VALUES ('legacy')");
        String reference = POSTGRES.createCopyOf(target);
        Shop.flyway(reference, "db/base", "db/safe").baselineOnMigrate(true).baselineVersion("2").load().migrate();

        Outcome outcome = run(target, Shop.flyway(target, "db/base", "db/safe").baselineOnMigrate(true)
                .baselineVersion("2"));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(Shop.history(target)).isEqualTo(Shop.history(reference));
        assertThat(Shop.history(target)).extracting(row -> row.split("\\|")[1]).containsExactly("2", "3", "4");
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM orders")).containsExactly("0");
    }

    @Test
    void runsTheUsersCallbacksOnTheBranchAndOnTheTarget() {
        String target = Shop.production("callbacks");
        AtomicInteger javaCallbackRuns = new AtomicInteger();
        Callback counting = new Callback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.AFTER_MIGRATE;
            }

            @Override
            public boolean canHandleInTransaction(Event event, Context context) {
                return true;
            }

            @Override
            public void handle(Event event, Context context) {
                javaCallbackRuns.incrementAndGet();
            }

            @Override
            public String getCallbackName() {
                return "counting";
            }
        };

        Outcome outcome = run(target, Shop.flyway(target, "db/base", "db/safe", "db/callbacks").callbacks(counting));

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(javaCallbackRuns).as("once on the branch, once on the target").hasValue(2);
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM migrate_log")).containsExactly("1");
        assertThat(outcome.statements()).anySatisfy(s -> assertThat(s.sql()).contains("INSERT INTO migrate_log"));
    }

    @Test
    void refusesToPromoteWhenTheTargetsPendingMigrationsChangedDuringTheRehearsal() {
        String target = Shop.production("changed");
        String afterConcurrentDeploy;

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target))
                .engine(FlywayEngine.of(Shop.flyway(target, "db/base", "db/safe")))
                // another deployment migrates the target to V3 while the rehearsal is checking
                .check(context -> {
                    Shop.flyway(target, "db/base", "db/safe").target("3").load().migrate();
                    return List.of();
                })
                .load().run();
        afterConcurrentDeploy = POSTGRES.describe(target);

        assertThat(outcome.verdict()).isEqualTo(Verdict.TARGET_CHANGED);
        // the INFO that a deploy other than Rehearsal's would wait for the migrations' locks without a timeout
        assertThat(outcome.findings()).filteredOn(f -> !f.kind().equals("no-lock-timeout")).singleElement()
                .satisfies(f -> {
                    assertThat(f.kind()).isEqualTo("target-changed");
                    assertThat(f.message()).contains("pending migrations were [3, 4], now [4]",
                            "history entry added: 3 3 ");
                });
        assertThat(Shop.history(target)).hasSize(3);
        assertThat(POSTGRES.describe(target)).isEqualTo(afterConcurrentDeploy);
    }
}
