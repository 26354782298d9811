package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.copy.BranchAccess;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BranchAccessIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    @Test
    void aBranchGetsASettingOfMoreElementsThanAFunctionTakesArguments() throws SQLException {
        String target = databases.create("long_path");
        String branch = databases.create("long_path_branch");
        String path = IntStream.rangeClosed(1, 150).mapToObj(i -> "\"Schema " + i + "\"")
                .collect(Collectors.joining(", "));
        postgres.execute("postgres", "ALTER DATABASE " + target + " SET search_path = " + path);

        try (Connection server = postgres.dataSource("postgres").getConnection()) {
            BranchAccess.of(server, target).configure(server, branch);
        }

        String settings = "SELECT s.setconfig::text FROM pg_db_role_setting s JOIN pg_database d "
                + "ON d.oid = s.setdatabase WHERE d.datname = ?";
        assertThat(postgres.query("postgres", settings, branch)).isEqualTo(postgres.query("postgres", settings, target))
                .singleElement().asString().contains("Schema 150");
    }
}
