package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProductionSizesTest {
    @TempDir
    Path directory;

    private Path file(String json) throws IOException {
        return Files.writeString(directory.resolve("production-stats.json"), json);
    }

    @Test
    void readsRowsBytesAndTheShareOfNullsOfEachTableByItsQualifiedName() throws IOException {
        ProductionSizes sizes = ProductionSizes.read(file("""
                {"source": "jdbc:postgresql://prod/shop", "taken": "2026-11-30T09:00:00Z",
                 "tables": {"public.orders": {"rows": 2000000, "bytes": 1024, "nullFraction": {"note": 0.25}},
                            "public.\\"Order\\"": {"rows": 0}}}
                """));

        assertThat(sizes.source()).endsWith("production-stats.json");
        assertThat(sizes.table("public.orders")).hasValueSatisfying(orders -> {
            assertThat(orders.rows()).isEqualTo(2_000_000);
            assertThat(orders.bytes()).isEqualTo(1024);
            assertThat(orders.nonNullValues("note")).hasValue(1_500_000L);
            assertThat(orders.nonNullValues("status")).as("not in the file: unknown").isEmpty();
        });
        assertThat(sizes.table("public.\"Order\"")).hasValueSatisfying(order -> assertThat(order.bytes()).isNull());
        assertThat(sizes.table("public.customers")).isEmpty();
    }

    @Test
    void writesWhatItReads() throws IOException {
        ProductionSizes written = ProductionSizes.of("prod", Map.of("public.orders",
                new ProductionSizes.TableSize(7, 8192L, Map.of("note", 0.5))));

        ProductionSizes read = ProductionSizes.read(file(written.toJson()));

        assertThat(read.tables()).isEqualTo(written.tables());
    }

    @Test
    void invalidJsonIsRefusedWithItsLineAndTheFix() throws IOException {
        Path stats = file("{\"tables\": {\n  \"public.orders\": {\"rows\": 5,}\n}}");

        assertThatThrownBy(() -> ProductionSizes.read(stats)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(stats + "): the file is not valid JSON (line 2, column")
                .hasMessageContaining("rehearsal stats --url <production> > production-stats.json");
    }

    @Test
    void aFieldThatIsNotOneOfTheFormatsIsRefusedByItsPath() throws IOException {
        assertThatThrownBy(() -> ProductionSizes.read(file("{\"tables\": {\"public.orders\": {\"row\": 5}}}")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("tables.\"public.orders\".row is not a field of a table");
        assertThatThrownBy(() -> ProductionSizes.read(file("{\"tables\": {\"public.orders\": {\"bytes\": 5}}}")))
                .hasMessageContaining("tables.\"public.orders\".rows is missing");
        assertThatThrownBy(() -> ProductionSizes.read(file("{\"tables\": {\"public.orders\": {\"rows\": -1}}}")))
                .hasMessageContaining("tables.\"public.orders\".rows is -1: give a whole number, not negative");
        assertThatThrownBy(() -> ProductionSizes.read(file("{\"tables\": {\"orders\": {\"rows\": 1}}}")))
                .hasMessageContaining("tables.\"orders\" is not schema-qualified: write it as schema.table, e.g. "
                        + "public.orders");
        assertThatThrownBy(() -> ProductionSizes.read(file(
                "{\"tables\": {\"public.orders\": {\"rows\": 1, \"nullFraction\": {\"note\": 2}}}}")))
                .hasMessageContaining("tables.\"public.orders\".nullFraction.\"note\" is 2: give the share of NULLs");
        assertThatThrownBy(() -> ProductionSizes.read(file("{\"orders\": {\"rows\": 1}}")))
                .hasMessageContaining("\"orders\" is not a field of a statistics file");
        assertThatThrownBy(() -> ProductionSizes.read(file("[]"))).hasMessageContaining("must be a JSON object");
    }

    @Test
    void aMissingFileIsSaidWithHowToMakeOne() {
        Path missing = directory.resolve("nowhere.json");

        assertThatThrownBy(() -> ProductionSizes.read(missing)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("productionSizes(" + missing + "): the file does not exist").hasMessageContaining("rehearsal stats --url");
    }
}
