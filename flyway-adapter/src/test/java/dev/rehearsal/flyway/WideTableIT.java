package dev.rehearsal.flyway;

import static dev.rehearsal.flyway.Shop.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.catalog.SchemaChange.Kind;
import dev.rehearsal.catalog.SchemaChange.ObjectType;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.WideTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rehearsal and promotion of a migration of a table as wide as PostgreSQL allows, through the public API: every
 * column is counted, and the findings and the schema diff name the columns the migration touched.
 */
class WideTableIT {
    /** 1,599 attributes, every 100th dropped: the migration adds the 1,600th, the most a table can have. */
    private static final WideTable WIDE = new WideTable("public", "wide", WideTable.MAX_ATTRIBUTES - 1,
            IntStream.rangeClosed(1, 15).mapToObj(i -> i * 100).collect(Collectors.toSet()));
    private static final String ADDED = "Added \"Column\" %I";

    @TempDir
    Path migrations;

    @Test
    void rehearsesAndPromotesAMigrationThatMakesATableOfSixteenHundredColumns() throws IOException {
        String target = POSTGRES.createDatabase("wide");
        Path base = baseMigration();
        flyway(target, base).load().migrate();
        WideTable.Column dropped = WIDE.column(1598); // q"1598, with values in 3 rows
        WideTable.Column required = WIDE.column(3); // a 63-byte multibyte name, a value in every row
        Path change = write("change", "V2__touch_wide_table.sql", String.join("\n",
                "-- rehearsal:allow data-loss: the values of " + dropped.name() + " are archived",
                "ALTER TABLE wide ADD COLUMN " + TestPostgres.quoteIdentifier(ADDED) + " integer NOT NULL DEFAULT 7;",
                "ALTER TABLE wide DROP COLUMN " + dropped.quoted() + ";",
                "ALTER TABLE wide ALTER COLUMN " + required.quoted() + " SET NOT NULL;"));

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target))
                .engine(FlywayEngine.of(flyway(target, base, change))).load().run();

        System.out.println("Rehearsal and promotion of a migration of a 1,600-column table: " + outcome.timings());
        assertThat(outcome.verdict()).as(String.join("; ", outcome.reasons())).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.promotion().verified()).isTrue();
        assertThat(outcome.schemaChanges()).filteredOn(c -> c.objectType() == ObjectType.COLUMN)
                .extracting(SchemaChange::name, SchemaChange::kind, SchemaChange::after).containsExactly(
                        tuple("public.wide." + required.quoted(), Kind.CHANGED, "not null"),
                        tuple("public.wide." + dropped.quoted(), Kind.REMOVED, null),
                        tuple("public.wide." + TestPostgres.quoteIdentifier(ADDED), Kind.ADDED, "integer not null default 7"));
        assertThat(outcome.findings()).filteredOn(f -> f.kind().equals(FindingKinds.DATA_LOSS)).singleElement()
                .satisfies(finding -> {
                    assertThat(finding.message())
                            .isEqualTo("column public.wide." + dropped.quoted() + " was dropped with 3 values");
                    assertThat(finding.migration()).isEqualTo("2");
                    assertThat(finding.acknowledgement()).contains("archived");
                });
        assertThat(outcome.findings()).filteredOn(Finding::isBlocking).isEmpty();
        assertThat(POSTGRES.query(target, "SELECT max(attnum), count(*) FILTER (WHERE NOT attisdropped) "
                + "FROM pg_attribute WHERE attrelid = 'wide'::regclass AND attnum > 0"))
                .containsExactly(WideTable.MAX_ATTRIBUTES + "|" + (WideTable.MAX_ATTRIBUTES - 16));
        assertThat(POSTGRES.query(target, "SELECT count(*) FILTER (WHERE " + TestPostgres.quoteIdentifier(ADDED)
                + " = 7), count(*) FROM wide")).containsExactly(WideTable.ROWS + "|" + WideTable.ROWS);
        assertThat(POSTGRES.branchesOf(target)).isEmpty();
    }

    @Test
    void rehearsesAndPromotesTheMigrationsThatCreateAndFillATableOfSixteenHundredColumns() throws IOException {
        String target = POSTGRES.createDatabase("wide_new");
        Path base = baseMigration();

        Outcome outcome = Rehearsal.configure().target(POSTGRES.location(target))
                .engine(FlywayEngine.of(flyway(target, base))).load().run();

        System.out.println("Rehearsal and promotion of the creation of a 1,599-column table: " + outcome.timings());
        assertThat(outcome.verdict()).as(String.join("; ", outcome.reasons())).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.schemaChanges()).filteredOn(c -> c.objectType() == ObjectType.TABLE)
                .filteredOn(c -> c.name().equals("public.wide")).singleElement()
                .satisfies(table -> assertThat(table.after())
                        .startsWith("id integer not null, \"select\" integer, ").endsWith(", empty_1599 text[]")
                        .contains(", \"Col_6\" " + WIDE.column(6).type() + ", ")
                        .doesNotContain(WIDE.column(1500).quoted()));
        assertThat(POSTGRES.query(target, "SELECT count(*) FROM wide")).containsExactly(String.valueOf(WideTable.ROWS));
    }

    /** V1: the wide table, made and filled. */
    private Path baseMigration() throws IOException {
        return write("base", "V1__wide_table.sql", String.join(";\n", WideTable.typeStatements()) + ";\n"
                + WIDE.script());
    }

    private Path write(String directory, String file, String sql) throws IOException {
        Path location = Files.createDirectories(migrations.resolve(directory));
        Files.writeString(location.resolve(file), sql, StandardCharsets.UTF_8);
        return location;
    }

    private static FluentConfiguration flyway(String database, Path... locations) {
        return Flyway.configure().dataSource(POSTGRES.jdbcUrl(database), "postgres", null)
                .locations(Arrays.stream(locations).map(l -> "filesystem:" + l).toArray(String[]::new));
    }
}
