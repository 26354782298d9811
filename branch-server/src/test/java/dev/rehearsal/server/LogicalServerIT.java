package dev.rehearsal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole rehearsal through the branch server in logical mode (a managed source's case): the branch is a template
 * clone of the mirror on the server's own PostgreSQL, shared with other branches, which the Neon provider learns.
 */
class LogicalServerIT {
    private static final String KEY = "logical-server-it-key-0123456789";
    private static final String PASSWORD = "Logical-Pa55";

    @TempDir
    Path data;

    @Test
    void rehearsesAndPromotesOnATemplateCloneOfTheMirror() {
        TestPostgres source = TestPostgres.postgres15();
        String role = source.createRole("managed", PASSWORD);
        source.requirePassword(role);
        String database = source.createDatabase("managed");
        source.execute("postgres", "ALTER DATABASE " + database + " OWNER TO " + role);
        DatabaseLocation target = DatabaseLocation.of(source.jdbcUrl(database), role, PASSWORD);
        List<String> seen = new ArrayList<>();
        source.execute(database, "SET ROLE " + role + "; CREATE TABLE orders (id int PRIMARY KEY, total int); "
                + "INSERT INTO orders SELECT g, g FROM generate_series(1, 500) g");

        try (BranchServer server = BranchServer.builder().source(target).dataDirectory(data).apiKey(KEY).port(0)
                .mode(BranchServer.Mode.LOGICAL).refreshInterval(Duration.ZERO).build().start()) {
            NeonBranchProvider neon = NeonBranchProvider.builder().apiBaseUrl(server.baseUrl()).projectId("local")
                    .apiKey(KEY).databaseName(database).roleName(role).build();
            Outcome outcome = Rehearsal.configure().target(target).branchProvider(neon)
                    .engine(new ScriptEngine().migration("1", "ALTER TABLE orders ADD COLUMN note text"))
                    .check(context -> {
                        try (Connection connection = context.branch().getConnection();
                             Statement statement = connection.createStatement();
                             ResultSet rows = statement.executeQuery(
                                     "SELECT current_database(), count(*) FROM orders")) {
                            rows.next();
                            seen.add(rows.getString(1) + "|" + rows.getInt(2));
                        }
                        return List.of();
                    })
                    .load().run();

            assertThat(outcome.verdict()).as(outcome.reasons().toString()).isEqualTo(Verdict.PROMOTED);
            assertThat(outcome.branch().copyMethod()).contains("logical mirror");
            assertThat(seen).singleElement().asString().matches("br_br_[a-z0-9_]+\\|500");
            MirrorStatus status = server.status();
            assertThat(status.mode()).isEqualTo("logical");
            assertThat(status.mirrorAgeSeconds()).isNotNull().isNotNegative();
            assertThat(status.sourceMajor()).isEqualTo(15);
            server.remove();
        }
        assertThat(source.query(database, "SELECT count(*) FROM information_schema.columns WHERE table_name = "
                + "'orders' AND column_name = 'note'")).containsExactly("1");
    }
}
