package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.internal.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warm pool against the embedded PostgreSQL: fresh clones however fast they are taken, and nothing left. */
class ClonePoolIT {
    private static TestServer server;
    private static String template;

    @BeforeAll
    static void template() {
        server = TestServer.get();
        template = MigratedTemplate.ensure(server, FlywayEngine.of(Flyway.configure().locations("classpath:db/junit")));
    }

    @Test
    void everyTestGetsAFreshCloneEvenWhenParallelTestsTakeThemFasterThanTheyAreMade() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        String prefix;
        try (ClonePool pool = new ClonePool(server, template, new ClonePool.Settings(1, 4, 2))) {
            ExecutorService tests = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                done.add(tests.submit(() -> {
                    String clone = pool.acquire();
                    assertThat(seen.add(clone)).as("%s given twice", clone).isTrue();
                    // what the template holds, and nothing an earlier test wrote
                    assertThat(MigratedDatabaseIT.query(clone, "SELECT string_agg(owner, ',') FROM accounts"))
                            .containsExactly("house");
                    execute(clone, "INSERT INTO accounts (owner) VALUES ('test')");
                    pool.release(clone);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            tests.shutdown();
            prefix = prefixOf(seen.iterator().next());
        }

        assertThat(seen).hasSize(24);
        assertThat(clonesNamed(prefix)).as("clones left after close").isEmpty();
    }

    @Test
    void growsBeyondItsMinimumWhileTestsTakeClonesBackToBackButNotBeyondItsMaximum() {
        int peak;
        try (ClonePool pool = new ClonePool(server, template, new ClonePool.Settings(1, 3, 2))) {
            for (int i = 0; i < 20; i++) {
                pool.release(pool.acquire());
            }
            peak = pool.usage().peak();
        }

        assertThat(peak).isBetween(2, 3);
    }

    @Test
    void closingDropsTheClonesReadyInTheMakingAndGivenBack() throws SQLException {
        String prefix;
        try (ClonePool pool = new ClonePool(server, template, new ClonePool.Settings(6, 6, 2))) {
            String first = pool.acquire();
            prefix = prefixOf(first);
            pool.release(first);
            pool.release(pool.acquire());
            // closed at once: clones are still being made, and the two given back may not be dropped yet
        }

        assertThat(clonesNamed(prefix)).isEmpty();
    }

    @Test
    void aTemplateThatCanNoLongerBeClonedFailsTheTestThatNeedsAFreshOneWithTheReason() throws SQLException {
        String broken = MigratedTemplate.PREFIX + "pool_it_" + System.nanoTime();
        execute("postgres", "CREATE DATABASE " + broken + " TEMPLATE template0");
        String prefix;
        try (ClonePool pool = new ClonePool(server, broken, new ClonePool.Settings(1, 1, 1))) {
            String first = pool.acquire();
            prefix = prefixOf(first);
            pool.release(first);
            execute("postgres", "DROP DATABASE " + broken);

            // a clone made before the template went may still be ready; the next cannot be made
            assertThatThrownBy(() -> {
                for (int i = 0; i < 3; i++) {
                    pool.release(pool.acquire());
                }
            }).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cannot clone the migrated template " + broken)
                    .hasMessageContaining("does not exist");
        } finally {
            execute("postgres", "DROP DATABASE IF EXISTS " + broken);
        }

        assertThat(clonesNamed(prefix)).isEmpty();
    }

    @Test
    void aCloneStartsWithTheTemplatesRelationCacheSoThatItsFirstConnectionNeedNotBuildOne() throws Exception {
        // as after the server starts, or after the migrations changed the template
        Files.deleteIfExists(directoryOf(template).resolve("pg_internal.init"));
        try (ClonePool pool = new ClonePool(server, template, new ClonePool.Settings(1, 1, 1))) {
            String clone = pool.acquire();

            assertThat(directoryOf(clone).resolve("pg_internal.init")).as("before any connection to the clone")
                    .exists();
            pool.release(clone);
        }
    }

    @Test
    void aClosedPoolGivesNoClone() {
        ClonePool pool = new ClonePool(server, template, new ClonePool.Settings(1, 1, 1));
        pool.close();

        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** The pool's own name prefix: clones are named prefix + a counter. */
    private static String prefixOf(String clone) {
        return clone.substring(0, clone.lastIndexOf('_') + 1);
    }

    /** Where the embedded server keeps {@code database}'s files. */
    private static Path directoryOf(String database) throws SQLException {
        return Path.of(MigratedDatabaseIT.query("postgres", "SELECT current_setting('data_directory') || '/base/' "
                + "|| oid FROM pg_database WHERE datname = '" + database + "'").get(0));
    }

    private static List<String> clonesNamed(String prefix) throws SQLException {
        return MigratedDatabaseIT.query("postgres", "SELECT datname FROM pg_database WHERE starts_with(datname, '"
                + prefix + "')");
    }

    private static void execute(String database, String sql) throws SQLException {
        try (Connection connection = server.database(database).dataSource(Sql.APPLICATION_NAME).getConnection()) {
            Sql.execute(connection, sql);
        }
    }
}
