package dev.rehearsal.liquibase;

import static dev.rehearsal.liquibase.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changelog the size of a real application's: 168 changesets in XML, YAML, JSON and formatted SQL, with contexts,
 * labels and a non-transactional changeset, 150 of them pending on the target. Rehearsed and promoted, the target's
 * DATABASECHANGELOG is what {@code liquibase update} alone writes.
 */
class LargeChangelogIT {
    private static final int TABLES = 40;
    private static final String CONTEXTS = "prod";
    private static final String LABELS = "!experimental";

    @TempDir
    Path changelogs;

    @Test
    void rehearsesAndPromotesAChangelogOf150PendingChangesetsWithTheHistoryPlainLiquibaseWrites() throws Exception {
        String target = targetWithTheFirstTenChangesets(false);
        String reference = POSTGRES.createCopyOf(target);
        Shop.liquibaseUpdate(reference, "master.xml", CONTEXTS, LABELS, Map.of(),
                new DirectoryResourceAccessor(changelogs));

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target)).engine(engine()).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.migrations()).hasSize(150);
        assertThat(Shop.history(target)).hasSize(160).isEqualTo(Shop.history(reference));
        assertThat(Shop.describeWithoutHistoryTimes(target)).isEqualTo(Shop.describeWithoutHistoryTimes(reference));
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM databasechangelog WHERE id LIKE 'test-fixture-%' "
                + "OR id LIKE 'experimental-%'")).as("filtered out by contexts and labels").containsExactly("0");
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo("tables.yaml::create-table-15::app");
            assertThat(s.sql()).contains("CREATE TABLE public.t_15");
        });
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo("data.sql::data-33::app");
            assertThat(s.sql()).contains("INSERT INTO t_33");
            assertThat(s.rowsAffected()).isEqualTo(100L);
        });
        assertThat(outcome.statements()).anySatisfy(s -> {
            assertThat(s.migration()).isEqualTo("indexes.xml::index-40-concurrently::app");
            assertThat(s.sql()).contains("CREATE INDEX CONCURRENTLY");
            assertThat(s.inTransaction()).isFalse();
        });
        assertThat(engine().plan(POSTGRES.dataSource(target)).isEmpty()).isTrue();
        assertThat(Shop.lock(target)).isEqualTo("f|<null>");
    }

    @Test
    void leavesTheTargetUnchangedWhenAChangesetInTheMiddleFails() throws Exception {
        String target = targetWithTheFirstTenChangesets(true);
        String before = POSTGRES.describe(target);

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target)).engine(engine()).load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().migration()).isEqualTo("data.sql::data-20::app");
        assertThat(outcome.failure().sqlState()).isEqualTo("23502");
        assertThat(outcome.migrations()).filteredOn(m -> m.branch() == State.APPLIED).hasSize(89);
        assertThat(outcome.migrations()).allSatisfy(m -> assertThat(m.target()).isEqualTo(State.NOT_RUN));
        assertThat(POSTGRES.describe(target)).as("schema, data, DATABASECHANGELOG and its lock").isEqualTo(before);
        assertThat(Shop.historyIds(target)).hasSize(10);
    }

    private LiquibaseEngine engine() {
        return LiquibaseEngine.configure().changelog("master.xml").contexts(CONTEXTS).labels(LABELS)
                .searchPath(changelogs.toString()).load();
    }

    /**
     * Writes the changelogs ({@code failing}: with a changeset that fails in the middle) and makes a target at the
     * first ten changesets, applied by {@code liquibase update-count}.
     */
    private String targetWithTheFirstTenChangesets(boolean failing) throws Exception {
        writeChangelogs(failing);
        String target = POSTGRES.createDatabase(failing ? "large_failing" : "large");
        try (Connection connection = POSTGRES.dataSource(target).getConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase liquibase = new Liquibase("master.xml", new DirectoryResourceAccessor(changelogs), db)) {
                liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
                Scope.child(Scope.Attr.ui.name(), new LoggerUIService(), () -> liquibase.update(10,
                        new Contexts(CONTEXTS), new LabelExpression(LABELS)));
            }
        }
        return target;
    }

    /** Writes the changelogs; {@code failing}: changeset data-20 fails on a NOT NULL column. */
    private void writeChangelogs(boolean failing) throws IOException {
        write("master.xml", xml("""
                    <include file="tables.yaml"/>
                    <include file="columns.json"/>
                    <include file="data.sql"/>
                    <include file="indexes.xml"/>
                """));

        StringBuilder tables = new StringBuilder("databaseChangeLog:\n");
        for (int t = 1; t <= TABLES; t++) {
            tables.append(String.format("""
                      - changeSet:
                          id: create-table-%1$02d
                          author: app
                          changes:
                            - createTable:
                                tableName: t_%1$02d
                                columns:
                                  - column: {name: id, type: bigint, autoIncrement: true, constraints: {primaryKey: true}}
                                  - column: {name: name, type: text, constraints: {nullable: false}}
                    """, t));
            if (t % 8 == 0) {
                tables.append(String.format("""
                          - changeSet:
                              id: test-fixture-%1$02d
                              author: app
                              context: test
                              changes:
                                - sql: {sql: "INSERT INTO t_%1$02d (name) VALUES ('fixture')"}
                        """, t));
            }
        }
        write("tables.yaml", tables.toString());

        StringBuilder columns = new StringBuilder("{\"databaseChangeLog\": [\n");
        for (int t = 1; t <= TABLES; t++) {
            columns.append(String.format("""
                      {"changeSet": {"id": "note-%1$02d", "author": "app", "changes": [
                        {"addColumn": {"tableName": "t_%1$02d", "columns": [{"column": {"name": "note", "type": "text"}}]}}
                      ]}},
                    """, t));
            if (t % 13 == 0) {
                columns.append(String.format("""
                          {"changeSet": {"id": "experimental-%1$02d", "author": "app", "labels": "experimental",
                            "changes": [{"addColumn": {"tableName": "t_%1$02d",
                              "columns": [{"column": {"name": "flags", "type": "jsonb"}}]}}]}},
                        """, t));
            }
        }
        columns.setLength(columns.lastIndexOf(","));
        columns.append("\n]}\n");
        write("columns.json", columns.toString());

        StringBuilder data = new StringBuilder("--liquibase formatted sql\n");
        for (int t = 1; t <= TABLES; t++) {
            String name = failing && t == 20 ? "NULL" : "'row ' || g";
            data.append(String.format("""

                    --changeset app:data-%1$02d context:prod
                    INSERT INTO t_%1$02d (name, note) SELECT %2$s, 'from data-%1$02d' FROM generate_series(1, 100) AS g;
                    """, t, name));
        }
        write("data.sql", data.toString());

        StringBuilder indexes = new StringBuilder();
        for (int t = 1; t < TABLES; t++) {
            indexes.append(String.format("""
                        <changeSet id="index-%1$02d" author="app">
                            <createIndex tableName="t_%1$02d" indexName="t_%1$02d_name_idx">
                                <column name="name"/>
                            </createIndex>
                        </changeSet>
                    """, t));
        }
        indexes.append(String.format("""
                    <changeSet id="index-%1$02d-concurrently" author="app" runInTransaction="false">
                        <sql>CREATE INDEX CONCURRENTLY t_%1$02d_name_idx ON t_%1$02d (name)</sql>
                    </changeSet>
                """, TABLES));
        write("indexes.xml", xml(indexes.toString()));
    }

    private static String xml(String body) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                                   xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                                   xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                                       http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
                """ + body + "</databaseChangeLog>\n";
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(changelogs.resolve(name), content, StandardCharsets.UTF_8);
    }
}
