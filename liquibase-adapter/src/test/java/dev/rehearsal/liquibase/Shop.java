package dev.rehearsal.liquibase;

import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Test targets: a "production" database at {@code db/changelog/base.xml} (10 000 customers with flawed data), and
 * plain Liquibase — its own API, no Rehearsal — as the reference of what {@code liquibase update} writes.
 */
final class Shop {
    static final TestPostgres POSTGRES = TestPostgres.shared();
    static final String BASE = "db/changelog/base.xml";

    private Shop() {
    }

    /** A new database migrated by plain Liquibase to the base changelog. */
    static String production(String stem) {
        String database = POSTGRES.createDatabase(stem);
        liquibaseUpdate(database, BASE);
        return database;
    }

    /** {@code liquibase update} of a class path changelog, all contexts and labels, no parameters. */
    static void liquibaseUpdate(String database, String changelog) {
        liquibaseUpdate(database, changelog, null, null, Map.of(), new ClassLoaderResourceAccessor());
    }

    /** {@code liquibase update} as an application runs it through Liquibase's API. */
    static void liquibaseUpdate(String database, String changelog, String contexts, String labels,
                                Map<String, String> parameters, ResourceAccessor resources) {
        try (Connection connection = POSTGRES.dataSource(database).getConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase liquibase = new Liquibase(changelog, resources, db)) {
                parameters.forEach(liquibase::setChangeLogParameter);
                liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
                Scope.child(Scope.Attr.ui.name(), new LoggerUIService(),
                        () -> liquibase.update(new Contexts(contexts), new LabelExpression(labels)));
            }
        } catch (Exception e) {
            throw new IllegalStateException("liquibase update of " + changelog + " on " + database + " failed: " + e, e);
        }
    }

    /**
     * DATABASECHANGELOG as {@code liquibase update} writes it, in order: every column but the time of execution and
     * the deployment id, which legitimately differ between two databases migrated at different moments.
     */
    static List<String> history(String database) {
        return POSTGRES.query(database, "SELECT orderexecuted, id, author, filename, exectype, md5sum, description, "
                + "comments, tag, liquibase, contexts, labels FROM databasechangelog ORDER BY orderexecuted, id");
    }

    /** The ids of DATABASECHANGELOG, in order. */
    static List<String> historyIds(String database) {
        return POSTGRES.query(database, "SELECT id FROM databasechangelog ORDER BY orderexecuted, id");
    }

    /** The lock row: {@code locked|lockedby}. */
    static String lock(String database) {
        return POSTGRES.query(database, "SELECT locked, lockedby FROM databasechangeloglock").get(0);
    }

    /** Marks Liquibase's lock as held, as a Liquibase that was killed while updating leaves it. */
    static void leaveStaleLock(String database) {
        POSTGRES.execute(database, "UPDATE databasechangeloglock SET locked = true, lockgranted = now() - interval "
                + "'1 hour', lockedby = 'deploy-7f9c (10.0.0.9)'");
    }

    /** Schema and contents, but for DATABASECHANGELOG's digest (times and deployment ids: compare {@link #history}). */
    static String describeWithoutHistoryTimes(String database) {
        return POSTGRES.describe(database).lines()
                .filter(line -> !line.startsWith("public.databasechangelog|"))
                .collect(Collectors.joining("\n"));
    }

    /** The engine's id of a changeset of a class path changelog. */
    static String changeset(String file, String id) {
        return file + "::" + id + "::shop";
    }
}
