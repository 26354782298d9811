package dev.rehearsal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SqlIT {
    private final TestPostgres postgres = TestPostgres.shared();

    @Test
    void formatTakesAsManyArgumentsAsATableHasColumnsAndQuotesEachOne() throws SQLException {
        // more than the 100 arguments a function call may have: one of each a table of 1,600 columns needs
        String[] names = IntStream.rangeClosed(1, 1600).mapToObj(i -> i % 2 == 0 ? "c" + i : "C\"" + i + " %I")
                .toArray(String[]::new);
        String template = String.join(", ", Collections.nCopies(names.length, "%I"));

        try (Connection connection = postgres.dataSource("postgres").getConnection()) {
            assertThat(Sql.format(connection, template, names)).isEqualTo(IntStream.rangeClosed(1, 1600)
                    .mapToObj(i -> i % 2 == 0 ? "c" + i : "\"C\"\"" + i + " %I\"").collect(Collectors.joining(", ")));
            assertThat(Sql.format(connection, "%L and %s", "it's", null)).isEqualTo("'it''s' and ");
            assertThat(Sql.format(connection, "no arguments: 100%%")).isEqualTo("no arguments: 100%");
        }
    }
}
