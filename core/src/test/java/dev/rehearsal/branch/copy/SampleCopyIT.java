package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.SampleCopy;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.WideTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Samples of databases whose size would show in the statements that copy them: wide tables, many rows referenced
 * by keys, schemas off the branch's search path. The source is on PostgreSQL 15, for Debian's pg_dump 15.
 */
class SampleCopyIT {
    private static final int ROWS = 2000;
    private static final int KEY_LENGTH = 1000;
    private static final WideTable WIDE = new WideTable("public", "wide", WideTable.MAX_ATTRIBUTES, Set.of(7, 700))
            .withoutVirtualColumns();

    @RegisterExtension
    final TestDatabases on15 = new TestDatabases(TestPostgres.postgres15());
    @RegisterExtension
    final TestDatabases on18 = new TestDatabases();
    private final TestPostgres postgres15 = on15.postgres();
    private final TestPostgres postgres18 = on18.postgres();
    @TempDir
    Path work;

    @Test
    void aSampleOfAWideTableAndOfMoreReferencedKeysThanOneStatementCarriesInASchemaOffTheSearchPath()
            throws SQLException {
        List<String> statements = new ArrayList<>(List.of(WideTable.typeStatements()));
        statements.addAll(WIDE.statements());
        statements.addAll(List.of("CREATE SCHEMA app",
                // long keys: the parents the sampled children reference are more bytes of keys than one statement
                // may carry (SampleCopy.KEY_BYTES_PER_STATEMENT)
                "CREATE TABLE app.parents (id int PRIMARY KEY, key text UNIQUE NOT NULL)",
                "INSERT INTO app.parents SELECT i, repeat('k', " + KEY_LENGTH + ") || i FROM generate_series(1, "
                        + 5 * ROWS + ") i",
                "CREATE TABLE app.children (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                        + "parent_key text NOT NULL REFERENCES app.parents (key))",
                // the first ROWS children reference parents after the first ROWS, which the sample of parents takes
                "INSERT INTO app.children (parent_key) SELECT repeat('k', " + KEY_LENGTH + ") || (2 * " + ROWS
                        + " + i) FROM generate_series(1, 2 * " + ROWS + ") i",
                "CREATE SEQUENCE app.counter",
                "SELECT setval('app.counter', 42)"));
        String source = on15.create("sample_wide", statements.toArray(String[]::new));
        // the source's sessions find app's tables unqualified; the branch's do not
        postgres15.execute("postgres", "ALTER ROLE postgres IN DATABASE " + source + " SET search_path = app, public");
        assertThat((long) ROWS * KEY_LENGTH).isGreaterThan(SampleCopy.KEY_BYTES_PER_STATEMENT);
        SnapshotCopyBranchProvider provider = SnapshotCopyBranchProvider.builder().prefix("it_sample_wide_")
                .destination(postgres18.location("postgres")).sample(ROWS).workDirectory(work).build();

        try (Branch branch = provider.create(new BranchRequest(postgres15.location(source), Duration.ofHours(1),
                "test"))) {
            String copy = branch.name();
            assertThat(postgres18.query(copy, "SELECT (SELECT count(*) FROM app.children), "
                    + "(SELECT count(*) FROM app.parents), (SELECT count(*) FROM app.children c WHERE NOT EXISTS "
                    + "(SELECT 1 FROM app.parents p WHERE p.key = c.parent_key))"))
                    .containsExactly(ROWS + "|" + 2 * ROWS + "|0");
            assertThat(postgres18.query(copy, "SELECT last_value FROM app.counter")).containsExactly("42");
            assertThat(postgres18.query(copy, "SELECT last_value FROM app.children_id_seq"))
                    .containsExactly(String.valueOf(2 * ROWS));
            // dropped columns are not restored: the branch's columns are the source's but for their positions
            assertThat(columnsOfWide(postgres18, copy)).isEqualTo(columnsOfWide(postgres15, source))
                    .hasSize(WideTable.MAX_ATTRIBUTES - 2);
        }
        assertThat(work).isEmptyDirectory();
    }

    /** The wide table's columns with their counts, but for their positions. */
    private static List<String> columnsOfWide(TestPostgres postgres, String database) throws SQLException {
        try (Connection connection = postgres.dataSource(database).getConnection()) {
            return CatalogSnapshot.take(connection, DataFacts.defaults()).table(WIDE.schema(), WIDE.name())
                    .orElseThrow().columns().stream()
                    .map(c -> c.name() + " " + c.type() + " " + c.generated() + " " + c.nonNullCount())
                    .toList();
        }
    }
}
