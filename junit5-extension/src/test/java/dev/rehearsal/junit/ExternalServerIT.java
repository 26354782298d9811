package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * An external server (what {@code -Drehearsal.test.url} selects): the template is built there, clones come from
 * there, and a clone of another JVM on it is never dropped — only this JVM's own. The external server is the tests'
 * shared one, not the extension's own.
 */
class ExternalServerIT {

    @Test
    void templatesAndClonesLiveOnTheExternalServerAndOthersClonesAreLeftAlone() {
        TestPostgres other = TestPostgres.shared();
        TestServer server = TestServer.external(other.location("postgres"));
        // a clone of another JVM (pid 99999); this pid in its name keeps it apart from a JVM that shares the server
        String anotherMachines = ClonePool.PREFIX + "99999_" + ProcessHandle.current().pid() + "_1";
        other.execute("postgres", "CREATE DATABASE " + anotherMachines);
        String template = null;
        try {
            template = MigratedTemplate.ensure(server,
                    FlywayEngine.of(Flyway.configure().locations("classpath:db/junit")));
            ClonePool.dropLeftovers(server);
            String clone;
            try (ClonePool pool = new ClonePool(server, template, 2)) {
                clone = pool.acquire();
                assertThat(other.databases()).contains(template, clone);
                assertThat(other.query(clone, "SELECT owner FROM accounts")).startsWith("house");
                pool.release(clone);
            }

            assertThat(other.databases()).doesNotContain(clone).contains(anotherMachines, template)
                    .noneMatch(name -> name.startsWith(ClonePool.PREFIX + ProcessHandle.current().pid() + "_"));
        } finally {
            other.dropDatabase(anotherMachines);
            if (template != null) {
                other.dropDatabase(template);
            }
        }
    }
}
