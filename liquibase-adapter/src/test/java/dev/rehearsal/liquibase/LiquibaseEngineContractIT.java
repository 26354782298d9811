package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.changeset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.testing.AttributionCheck;
import dev.rehearsal.testing.EngineContract;
import dev.rehearsal.testing.RunnerProcesses;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;
import org.junit.jupiter.api.Test;

/**
 * The engine contract with Liquibase: the shop as changelogs in XML, YAML, JSON and formatted SQL under
 * {@code db/changelog/}, each including {@code base.xml}; the history release in {@code history/} (one logical
 * path, {@code shop/changelog.xml}, for both releases); the tool's lock is DATABASECHANGELOGLOCK's row, which
 * outlives a killed runner.
 */
class LiquibaseEngineContractIT extends EngineContract {
    private static final String THREE_SQL = "db/changelog/sql/three.sql";
    private static final String TARGET_ONLY_SQL = "db/changelog/sql/targetonly.sql";

    /** The runs of the user's listener on the engine of {@link #JAVA}. */
    private final AtomicInteger listenerRuns = new AtomicInteger();

    private static String changelog(String changeSet) {
        return switch (changeSet) {
            case BASE -> Shop.BASE;
            case SAFE -> "db/changelog/safe.yaml";
            case DUPLICATES -> "db/changelog/duplicates.xml";
            case THREE -> "db/changelog/three.yaml";
            case CONCURRENT -> "db/changelog/concurrent.xml";
            case TARGET_ONLY -> "db/changelog/targetonly.json";
            case KILL_PROMOTION -> "db/changelog/killpromotion.xml";
            case JAVA -> "db/changelog/custom.xml";
            case HISTORY_RELEASED -> "history/released/changelog.xml";
            case HISTORY_NEXT -> "history/next/changelog.xml";
            default -> throw new IllegalArgumentException(changeSet);
        };
    }

    @Override
    protected MigrationEngine engine(String database, String changeSet) {
        if (changeSet.equals(JAVA)) {
            return LiquibaseEngine.configure().changelog(changelog(JAVA)).listener(new AbstractChangeExecListener() {
                @Override
                public void ran(ChangeSet ran, DatabaseChangeLog changelog, Database on, ChangeSet.ExecType type) {
                    listenerRuns.incrementAndGet();
                }
            }).load();
        }
        return LiquibaseEngine.of(changelog(changeSet));
    }

    @Override
    protected void migrateWithTheToolAlone(String database, String changeSet) {
        Shop.liquibaseUpdate(database, changelog(changeSet));
    }

    @Override
    protected List<String> ids(String changeSet) {
        String changelog = changelog(changeSet);
        return switch (changeSet) {
            case BASE -> List.of(changeset(changelog, "create-customers"), changeset(changelog, "seed-customers"));
            case SAFE -> List.of(changeset(changelog, "add-loyalty-points"), changeset(changelog, "create-orders"));
            case DUPLICATES -> List.of(changeset(changelog, "unique-customer-email"));
            case THREE -> List.of(changeset(THREE_SQL, "add-country"), changeset(THREE_SQL, "require-email"),
                    changeset(THREE_SQL, "index-country"));
            case CONCURRENT -> List.of(changeset(changelog, "index-names-concurrently"));
            case TARGET_ONLY -> List.of(changeset(TARGET_ONLY_SQL, "fails-only-outside-a-branch"));
            case KILL_PROMOTION -> List.of(changeset(changelog, "add-region"), changeset(changelog, "add-segment"));
            case JAVA -> List.of(changeset(changelog, "normalise-emails"));
            default -> throw new IllegalArgumentException(changeSet);
        };
    }

    @Override
    protected String historyTable() {
        return "databasechangelog";
    }

    @Override
    protected List<String> history(String database) {
        return Shop.history(database);
    }

    @Override
    protected List<String> applied(String database) {
        return POSTGRES.query(database, "SELECT filename || '::' || id || '::' || author FROM databasechangelog "
                + "WHERE exectype = 'EXECUTED' ORDER BY orderexecuted, id");
    }

    @Override
    protected String toolLock(String database) {
        String lock = Shop.lock(database);
        return lock.startsWith("f|") ? null : lock.substring(lock.indexOf('|') + 1);
    }

    @Override
    protected Process startRunner(String target, String changeSet) throws Exception {
        return RunnerProcesses.start(LiquibaseRehearsalProcess.class, List.of(), POSTGRES.jdbcUrl(target),
                changelog(changeSet));
    }

    @Override
    protected AttributionCheck historyAttribution() {
        return AttributionCheck.expect()
                .subject("cancelled", "shop/changelog.xml::purge-cancelled-orders::carla")
                .subject("email", "shop/changelog.xml::rename-email::anna")
                .subject("price", "shop/changelog.xml::prices-as-bigint::anna")
                .subject("phone", "shop/changelog.xml::drop-phone::ben")
                .subject("status", "shop/changelog.xml::order-status-required::carla")
                .subject("invoices", "shop/changelog.xml::invoices::carla");
    }

    @Override
    protected String[] ownStatements() {
        return new String[] {"databasechangelog"};
    }

    @Override
    @Test
    protected void rehearsesTracesAndPromotesAMigrationWrittenInJava() {
        super.rehearsesTracesAndPromotesAMigrationWrittenInJava();

        assertThat(listenerRuns).as("the user's listener, on the branch and on the target").hasValue(2);
    }
}
