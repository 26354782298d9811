package dev.rehearsal.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.testing.AttributionCheck;
import dev.rehearsal.testing.EngineContract;
import dev.rehearsal.testing.RunnerProcesses;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine contract with Flyway: the shop as versioned migrations in {@code db/<change set>} after
 * {@code db/base} (V1, V2), the history release in core's {@code history/shop} and this module's {@code history/};
 * the tool's lock is its session's advisory lock.
 */
class FlywayEngineContractIT extends EngineContract {

    private static String[] locations(String changeSet) {
        return switch (changeSet) {
            case BASE -> new String[] {"db/base"};
            case JAVA -> new String[] {"db/base", "db/javamigrations"};
            case HISTORY_RELEASED -> new String[] {"history/shop", "history/released-views"};
            case HISTORY_NEXT -> new String[] {"history/shop", "history/next", "history/next-views"};
            default -> new String[] {"db/base", "db/" + changeSet};
        };
    }

    @Override
    protected MigrationEngine engine(String database, String changeSet) {
        return FlywayEngine.of(Shop.flyway(database, locations(changeSet)));
    }

    @Override
    protected void migrateWithTheToolAlone(String database, String changeSet) {
        Shop.flyway(database, locations(changeSet)).load().migrate();
    }

    @Override
    protected List<String> ids(String changeSet) {
        return switch (changeSet) {
            case BASE -> List.of("1", "2");
            case SAFE, KILL_PROMOTION -> List.of("3", "4");
            case THREE -> List.of("3", "4", "5");
            case DUPLICATES, CONCURRENT, TARGET_ONLY, JAVA -> List.of("3");
            default -> throw new IllegalArgumentException(changeSet);
        };
    }

    @Override
    protected String historyTable() {
        return "flyway_schema_history";
    }

    @Override
    protected List<String> history(String database) {
        return Shop.history(database);
    }

    @Override
    protected List<String> applied(String database) {
        return POSTGRES.query(database, "SELECT version FROM flyway_schema_history WHERE success "
                + "ORDER BY installed_rank");
    }

    @Override
    protected String toolLock(String database) {
        // Flyway's lock is an advisory lock of the session that migrates: it ends with that session
        List<String> holders = POSTGRES.query(database, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        return holders.isEmpty() ? null : "the session of pid " + holders.get(0);
    }

    @Override
    protected Process startRunner(String target, String changeSet) throws Exception {
        // the runner's arguments: the target, then the locations after db/base, under db/
        String[] arguments = Stream.concat(Stream.of(POSTGRES.jdbcUrl(target)), Stream.of(locations(changeSet))
                .skip(1).map(location -> location.substring("db/".length()))).toArray(String[]::new);
        return RunnerProcesses.start(RehearsalProcess.class, List.of(), arguments);
    }

    @Override
    protected AttributionCheck historyAttribution() {
        return AttributionCheck.expect()
                .subject("cancelled", "8")
                .subject("email", "2")
                .subject("price", "3")
                .subject("phone", "4")
                .subject("status", "6")
                .subject("invoices", "7");
    }

    @Override
    protected String[] ownStatements() {
        return new String[] {"flyway_schema_history", "SELECT version()"};
    }

    @Override
    @Test
    protected void rehearsesTracesAndPromotesAMigrationWrittenInJava() {
        super.rehearsesTracesAndPromotesAMigrationWrittenInJava();

        assertThat(lastOutcome().migrations()).singleElement()
                .satisfies(m -> assertThat(m.script()).contains("V3__Normalise_emails"));
    }
}
