package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.RunningQueries.Query;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files of the running version's queries: SQL, a PostgreSQL log, exported pg_stat_statements. */
class RunningQueriesTest {
    @TempDir
    Path dir;

    @Test
    void aServerLogGivesItsStatementsWithTheirContinuationLinesNeverTheirParameters() throws IOException {
        Path log = Files.writeString(dir.resolve("postgresql.log"), String.join("\n",
                "2026-12-01 10:00:00.001 UTC [101] LOG:  statement: SELECT id FROM orders WHERE note = 'call Ann'",
                "2026-12-01 10:00:00.002 UTC [101] LOG:  duration: 0.210 ms  execute <unnamed>: SELECT total",
                "\tFROM orders WHERE id = $1",
                "2026-12-01 10:00:00.003 UTC [101] DETAIL:  parameters: $1 = '4711'",
                "2026-12-01 10:00:00.004 UTC [102] LOG:  statement: SELECT id FROM orders WHERE note = 'call Bob'",
                "2026-12-01 10:00:00.005 UTC [102] LOG:  statement: BEGIN",
                "2026-12-01 10:00:00.006 UTC [102] LOG:  connection authorized: user=app database=shop",
                "2026-12-01 10:00:00.007 UTC [103] LOG:  execute S_1: UPDATE orders SET total = $1 WHERE id = $2",
                ""));

        List<Query> queries = RunningQueries.fromFile(log);

        assertThat(queries).extracting(Query::shown, Query::calls, Query::source).containsExactly(
                tuple("SELECT id FROM orders WHERE note = $1", 2L, "postgresql.log"),
                tuple("SELECT total\nFROM orders WHERE id = $1", 1L, "postgresql.log"),
                tuple("UPDATE orders SET total = $1 WHERE id = $2", 1L, "postgresql.log"));
        assertThat(queries.get(0).sql()).isEqualTo("SELECT id FROM orders WHERE note = 'call Ann'");
        assertThat(queries).extracting(Query::shown).noneMatch(shown -> shown.contains("4711"));
    }

    @Test
    void sqlIsSplitByPostgresGrammarAndOnlyQueriesAreKept() throws IOException {
        Path sql = Files.writeString(dir.resolve("queries.sql"), """
                -- semicolons in strings and bodies do not split
                SELECT 'a;b' AS x FROM orders;
                DO $$ BEGIN PERFORM 1; END $$;
                INSERT INTO orders (id, note) VALUES (1, 'x;y');
                WITH recent AS (SELECT * FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM recent);
                CREATE TABLE t (id int);
                """);

        assertThat(RunningQueries.fromFile(sql)).extracting(Query::shown).containsExactly(
                "SELECT $1 AS x FROM orders",
                "INSERT INTO orders (id, note) VALUES ($1, $2)",
                "WITH recent AS (SELECT * FROM orders) DELETE FROM orders WHERE id IN (SELECT id FROM recent)");
    }

    @Test
    void exportedStatisticsKeepTheirCallCountsMostRunFirst() throws IOException {
        Path json = Files.writeString(dir.resolve("queries.json"), """
                [{"query": "SELECT id FROM orders WHERE id = $1", "calls": 12},
                 {"query": "SELECT note FROM orders", "calls": 900},
                 {"query": "VACUUM orders", "calls": 3}]
                """);

        assertThat(RunningQueries.fromFile(json)).extracting(Query::shown, Query::calls).containsExactly(
                tuple("SELECT note FROM orders", 900L), tuple("SELECT id FROM orders WHERE id = $1", 12L));
    }

    @Test
    void aFileThatIsNeitherSqlNorALogIsRefusedNamingTheSetting() throws IOException {
        Path prose = Files.writeString(dir.resolve("notes.txt"), "these are the queries we run: lots\n");
        Path entries = Files.writeString(dir.resolve("bad.json"), "[{\"sql\": \"SELECT 1\"}]");

        assertThatThrownBy(() -> RunningQueries.fromFile(prose)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("runningQueriesFrom(" + prose + ")")
                .hasMessageContaining("neither SQL PostgreSQL parses");
        assertThatThrownBy(() -> RunningQueries.fromFile(entries)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("an entry has no \"query\" text");
    }
}
