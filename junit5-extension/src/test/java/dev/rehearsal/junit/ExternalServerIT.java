package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.flyway.FlywayEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * An external server (what {@code -Drehearsal.test.url} selects): the template is built there, clones come from
 * there, and a clone of another JVM on it is never dropped — only this JVM's own.
 */
class ExternalServerIT {

    @Test
    void templatesAndClonesLiveOnTheExternalServerAndOthersClonesAreLeftAlone() throws Exception {
        try (EmbeddedPostgres other = EmbeddedPostgres.builder().start()) {
            TestServer server = TestServer.external(DatabaseLocation.of("jdbc:postgresql://localhost:"
                    + other.getPort() + "/postgres", "postgres", null));
            String anotherMachines = ClonePool.PREFIX + "99999_1_1";
            execute(other, "CREATE DATABASE " + anotherMachines);

            String template = MigratedTemplate.ensure(server,
                    FlywayEngine.of(Flyway.configure().locations("classpath:db/junit")));
            ClonePool.dropLeftovers(server);
            String clone;
            try (ClonePool pool = new ClonePool(server, template, 2)) {
                clone = pool.acquire();
                assertThat(databases(other)).contains(template, clone);
                try (Connection connection = other.getDatabase("postgres", clone).getConnection();
                     Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT owner FROM accounts")) {
                    rows.next();
                    assertThat(rows.getString(1)).isEqualTo("house");
                }
                pool.release(clone);
            }

            assertThat(databases(other)).doesNotContain(clone).contains(anotherMachines, template)
                    .noneMatch(name -> name.startsWith(ClonePool.PREFIX + ProcessHandle.current().pid() + "_"));
        }
    }

    private static void execute(EmbeddedPostgres server, String sql) throws Exception {
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> databases(EmbeddedPostgres server) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
