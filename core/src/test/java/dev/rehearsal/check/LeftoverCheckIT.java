package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.internal.pipeline.Tracing;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.trace.StatementTrace;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The invalid index a failed {@code CREATE UNIQUE INDEX CONCURRENTLY} leaves behind: no migration that succeeds
 * makes one, so the corpus cannot show it; here the check gets the evidence of one directly.
 */
class LeftoverCheckIT {
    private static final String[] CUSTOMERS = {
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL)",
            // every 100th email repeats the one before it
            "INSERT INTO customers SELECT g, 'c' || (CASE WHEN g % 100 = 0 THEN g - 1 ELSE g END) || '@example.com' "
                    + "FROM generate_series(1, 5000) g"};
    private static final Migration MIGRATION = new Migration("7", "7", "unique emails", "V7__unique_emails.sql",
            "SQL", 1);
    private static final String CREATE_UNIQUE_INDEX = "CREATE UNIQUE INDEX CONCURRENTLY customers_email_key "
            + "ON customers (email)";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void anIndexLeftInvalidByAFailedConcurrentBuildBlocksAndNamesTheStatementAndTheFix() throws Exception {
        String database = databases.create("invalid_index", CUSTOMERS);
        DataSource branch = postgres.dataSource(database);
        CatalogSnapshot before = snapshot(branch);
        List<StatementTrace> statements = runFailing(branch, CREATE_UNIQUE_INDEX);
        CatalogSnapshot after = snapshot(branch);
        assertThat(after.table("public", "customers").orElseThrow().index("customers_email_key"))
                .hasValueSatisfying(index -> assertThat(index.valid()).isFalse());

        List<Finding> findings = new LeftoverCheck().evaluate(new CheckContext(branch, List.of(MIGRATION),
                statements, before, after, before.changesTo(after), Policy.defaults()));

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(FindingKinds.INVALID_INDEX);
            assertThat(finding.isBlocking()).isTrue();
            assertThat(finding.migration()).isEqualTo("7");
            assertThat(finding.statement()).isEqualTo(CREATE_UNIQUE_INDEX);
            assertThat(finding.message()).contains("customers_email_key", "public.customers", "INVALID");
            assertThat(finding.evidence()).containsEntry("index", "customers_email_key");
            assertThat(finding.remedy()).startsWith("DROP INDEX CONCURRENTLY customers_email_key");
        });
    }

    @Test
    void anIndexThatWasAlreadyInvalidBeforeTheMigrationsIsNotTheirs() throws Exception {
        String database = databases.create("already_invalid", CUSTOMERS);
        DataSource branch = postgres.dataSource(database);
        runFailing(branch, CREATE_UNIQUE_INDEX);
        CatalogSnapshot before = snapshot(branch);
        postgres.execute(database, "ALTER TABLE customers ADD COLUMN phone text");
        CatalogSnapshot after = snapshot(branch);

        List<Finding> findings = new LeftoverCheck().evaluate(new CheckContext(branch, List.of(MIGRATION),
                List.of(), before, after, before.changesTo(after), Policy.defaults()));

        assertThat(findings).isEmpty();
    }

    private static CatalogSnapshot snapshot(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection()) {
            return CatalogSnapshot.take(connection, DataFacts.defaults());
        }
    }

    /** Runs the statement in auto-commit mode, traced as migration 7's, and expects it to fail on the duplicates. */
    private static List<StatementTrace> runFailing(DataSource database, String sql) throws SQLException {
        return Tracing.trace(database, MIGRATION, false, connection -> {
            try (Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.execute(sql)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("could not create unique index");
            }
        });
    }
}
