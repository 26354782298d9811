package dev.rehearsal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.WideTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshots of tables as wide as PostgreSQL allows: 1,600 columns, or 1,600 attributes of which some are dropped,
 * of every kind of type and with names that need quoting — read in full, with every column counted.
 */
class WideTableCatalogIT {
    /** 1,600 columns, none dropped: the widest table there is. */
    private static final WideTable WIDEST = new WideTable("Mixed Schema", "Wide \"Table\" %I",
            WideTable.MAX_ATTRIBUTES, Set.of());
    /** 1,600 attributes, every 64th dropped. */
    private static final WideTable HOLEY = new WideTable("public", "holey", WideTable.MAX_ATTRIBUTES,
            IntStream.rangeClosed(1, WideTable.MAX_ATTRIBUTES / 64).mapToObj(i -> i * 64).collect(Collectors.toSet()));

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void countsEveryColumnOfTablesOfSixteenHundredAttributesWithDroppedAndGeneratedOnes() throws SQLException {
        String database = wideDatabase();

        long start = System.nanoTime();
        CatalogSnapshot snapshot = snapshot(database, DataFacts.defaults());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Catalog snapshot with exact counts of a 1,600-column and a 1,600-attribute table "
                + "(%d rows each): %d ms%n", WideTable.ROWS, millis);

        Table widest = snapshot.table("Mixed Schema", "Wide \"Table\" %I").orElseThrow();
        assertThat(widest.qualifiedName()).isEqualTo("\"Mixed Schema\".\"Wide \"\"Table\"\" %I\"");
        assertThat(widest.rowCount()).isEqualTo(WideTable.ROWS);
        assertThat(widest.estimated()).isFalse();
        assertThat(widest.columns()).hasSize(WideTable.MAX_ATTRIBUTES).isEqualTo(expected(WIDEST));
        Table holey = snapshot.table("public", "holey").orElseThrow();
        assertThat(holey.rowCount()).isEqualTo(WideTable.ROWS);
        assertThat(holey.columns()).hasSize(WideTable.MAX_ATTRIBUTES - 25).isEqualTo(expected(HOLEY));
        assertThat(holey.column("c63 with space")).isEmpty();
        assertThat(holey.column("Col_66").orElseThrow().position()).isEqualTo(66);
    }

    @Test
    void estimatesEveryColumnOfTheWidestTableFromItsStatisticsAsItCountsThem() throws SQLException {
        String database = wideDatabase();
        postgres.execute(database, "ANALYZE");

        long start = System.nanoTime();
        CatalogSnapshot snapshot = snapshot(database, DataFacts.estimated());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Catalog snapshot with estimates of the same tables: %d ms%n", millis);

        for (WideTable wide : List.of(WIDEST, HOLEY)) {
            Table table = snapshot.table(wide.schema(), wide.name()).orElseThrow();
            assertThat(table.estimated()).isTrue();
            assertThat(table.rowCount()).isEqualTo(WideTable.ROWS);
            assertThat(table.columns()).isEqualTo(expected(wide));
        }
    }

    @Test
    void aSchemaChangeOnTheWidestTableShowsAsTheChangesOfTheRightColumns() throws SQLException {
        String database = wideDatabase();
        CatalogSnapshot before = snapshot(database, DataFacts.none());
        postgres.execute(database, "ALTER TABLE " + WIDEST.qualifiedName() + " DROP COLUMN "
                + WIDEST.column(1598).quoted() + ", ALTER COLUMN \"select\" SET NOT NULL, ALTER COLUMN "
                + WIDEST.column(1588).quoted() + " SET DEFAULT 'x'");

        CatalogSnapshot after = snapshot(database, DataFacts.none());

        String table = "\"Mixed Schema\".\"Wide \"\"Table\"\" %I\"";
        assertThat(CatalogDiff.between(before, after)).filteredOn(c -> c.objectType() == SchemaChange.ObjectType.COLUMN)
                .extracting(SchemaChange::name, SchemaChange::kind).containsExactly(
                        tuple(table + ".\"select\"", SchemaChange.Kind.CHANGED),
                        tuple(table + ".\"pct%1588%I\"", SchemaChange.Kind.CHANGED),
                        tuple(table + ".\"q\"\"1598\"", SchemaChange.Kind.REMOVED));
    }

    /** A database with both tables, which the embedded server's 8 kB pages hold row by row. */
    private String wideDatabase() {
        List<String> statements = new ArrayList<>(List.of(WideTable.typeStatements()));
        statements.addAll(WIDEST.statements());
        statements.addAll(HOLEY.statements());
        return databases.create("wide", statements.toArray(String[]::new));
    }

    private static List<Column> expected(WideTable wide) {
        return wide.columns().stream().map(c -> new Column(c.position(), c.name(), c.type(), c.position() == 1,
                null, null, c.generated(), c.nonNullCount())).toList();
    }

    private CatalogSnapshot snapshot(String database, DataFacts facts) throws SQLException {
        try (Connection connection = postgres.dataSource(database).getConnection()) {
            return CatalogSnapshot.take(connection, facts);
        }
    }
}
