package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypeNarrowingTest {

    @ParameterizedTest(name = "{0} -> {1} may lose information")
    @CsvSource(delimiter = ';', value = {
            "text; character varying(20)",
            "character varying(200); character varying(50)",
            "bigint; integer",
            "integer; smallint",
            "double precision; real",
            "numeric(12,2); numeric(12,0)",
            "numeric(12,2); numeric(8,2)",
            "numeric; numeric(10,2)",
            "numeric(12,2); bigint",
            "timestamp with time zone; date",
            "timestamp without time zone; date",
            "timestamp(6) without time zone; timestamp(0) without time zone",
            "text; boolean"})
    void recognisesNarrowingChanges(String from, String to) {
        assertThat(TypeNarrowing.why(from, to)).isPresent();
    }

    @ParameterizedTest(name = "{0} -> {1} keeps every value")
    @CsvSource(delimiter = ';', value = {
            "character varying(50); character varying(200)",
            "character varying(50); text",
            "integer; bigint",
            "smallint; integer",
            "real; double precision",
            "numeric(12,2); numeric(14,2)",
            "numeric(12,2); numeric(14,4)",
            "numeric(12,2); numeric",
            "date; timestamp without time zone",
            "text; text"})
    void letsWideningChangesPass(String from, String to) {
        assertThat(TypeNarrowing.why(from, to)).isEmpty();
    }
}
