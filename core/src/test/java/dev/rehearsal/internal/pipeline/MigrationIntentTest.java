package dev.rehearsal.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.internal.pipeline.BuiltIndex;
import dev.rehearsal.internal.pipeline.MigrationIntent;
import dev.rehearsal.trace.StatementTrace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationIntentTest {
    private static final Migration M3 = new Migration("3", "3", "index names", "V3__index_names.sql", "SQL", 1);
    private static final Migration M4 = new Migration("4", "4", "add column", "V4__add_column.sql", "SQL", 2);
    private static final BuiltIndex NAMES = new BuiltIndex("public", "customers", "customers_name_idx",
            "CREATE INDEX customers_name_idx ON public.customers USING btree (name)");

    private final List<StatementTrace> trace = new ArrayList<>();

    @Test
    void aMigrationRunEntirelyInTransactionsHasNoIntent() {
        inTransaction("3", "ALTER TABLE customers ADD COLUMN region text");
        inTransaction(null, "INSERT INTO flyway_schema_history VALUES (3)");

        assertThat(MigrationIntent.of(List.of(M3), trace, Map.of())).isEmpty();
    }

    @Test
    void indexBuildsAndStatementsThatChangeNothingLastingMakeAnIndexOnlyMigration() {
        autoCommit("3", "SHOW search_path");
        autoCommit("3", "SET search_path TO public");
        autoCommit("3", "/* names */ -- for the search\\n  create  unique index concurrently customers_name_idx "
                + "ON customers (name)");
        autoCommit("3", "SELECT pg_sleep(1)");
        autoCommit("3", "ANALYZE customers");
        // the tool's bookkeeping, committed with the history row
        inTransaction("3", "INSERT INTO databasechangelog VALUES ('3')");

        MigrationIntent intent = MigrationIntent.of(List.of(M3), trace, Map.of("3", List.of(NAMES))).get("3");

        assertThat(intent.indexOnly()).isTrue();
        assertThat(intent.label()).isEqualTo("3 (index names)");
        assertThat(intent.indexes()).containsExactly(NAMES);
    }

    @Test
    void theFirstStatementThatDoesSomethingElseIsNamed() {
        autoCommit("4", "CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)");
        autoCommit("4", "ALTER TABLE   customers\\n ADD COLUMN region text");
        autoCommit("4", "UPDATE customers SET region = 'eu'");

        MigrationIntent intent = MigrationIntent.of(List.of(M4), trace, Map.of()).get("4");

        assertThat(intent.indexOnly()).isFalse();
        assertThat(intent.otherStatement()).as("on one line")
                .isEqualTo("ALTER TABLE customers ADD COLUMN region text");
    }

    @Test
    void aSelectIntoCreatesATable() {
        autoCommit("4", "SELECT * INTO customers_copy FROM customers");

        assertThat(MigrationIntent.of(List.of(M4), trace, Map.of()).get("4").otherStatement())
                .isEqualTo("SELECT * INTO customers_copy FROM customers");
    }

    @Test
    void aStatementThatFailedLeftNothing() {
        trace.add(new StatementTrace(trace.size() + 1, "4", "ALTER TABLE customers ADD COLUMN region text",
                Instant.now(), 10, null, false, "42701", "column exists"));
        autoCommit("4", "CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)");

        assertThat(MigrationIntent.of(List.of(M4), trace, Map.of()).get("4").indexOnly()).isTrue();
    }

    @Test
    void indexesThatCouldNotBeObservedMakeTheMigrationOneThatCannotBeUndone() {
        autoCommit("3", "CREATE INDEX CONCURRENTLY ON customers (name)");

        MigrationIntent intent = MigrationIntent.of(List.of(M3), trace, null).get("3");

        assertThat(intent.indexOnly()).isFalse();
        assertThat(intent.otherStatement()).contains("could not be observed");
    }

    @Test
    void aLongStatementIsShortenedForMessages() {
        autoCommit("4", "UPDATE customers SET name = '" + "x".repeat(1000) + "'");

        assertThat(MigrationIntent.of(List.of(M4), trace, Map.of()).get("4").otherStatement()).hasSize(301)
                .endsWith("…");
    }

    private void autoCommit(String migration, String sql) {
        trace.add(new StatementTrace(trace.size() + 1, migration, sql.replace("\\n", "\n"), Instant.now(), 10, null,
                false, null, null));
    }

    private void inTransaction(String migration, String sql) {
        trace.add(new StatementTrace(trace.size() + 1, migration, sql, Instant.now(), 10, 1L, true, null, null));
    }
}
