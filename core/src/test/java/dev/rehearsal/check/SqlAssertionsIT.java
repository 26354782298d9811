package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqlAssertionsIT {
    private static final String[] SHOP = {
            "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
            "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 100) i",
            "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL)",
            "INSERT INTO orders SELECT i, i % 100 + 1 FROM generate_series(1, 300) i"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();

    private Outcome rehearse(String target, Check check, String... migration) {
        return Rehearsal.configure().target(postgres.location(target))
                .engine(new ScriptEngine().migration("1", migration)).check(check).load().rehearse();
    }

    @Test
    void anAssertionThatReturnsRowsBlocksWithTheRowsAsEvidence() {
        String target = databases.create("orphans", SHOP);

        Outcome outcome = rehearse(target, SqlAssertions.fromClasspath("assertions/shop"),
                "DELETE FROM customers WHERE id <= 2", "UPDATE customers SET email = '' WHERE id = 3");

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).filteredOn(f -> f.kind().equals(FindingKinds.ASSERTION_FAILED))
                .extracting(Finding::severity, Finding::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Severity.BLOCKING, "01_every_order_has_a_customer.sql "
                                + "(Every order still has its customer.) returned 6 row(s)"),
                        org.assertj.core.groups.Tuple.tuple(Severity.WARNING, "02_no_blank_emails.sql "
                                + "(No customer has a blank email.) returned 1 row(s)"));
        assertThat(outcome.findings()).extracting(Finding::kind).contains(FindingKinds.ROWS_DELETED);
        Finding orphans = outcome.findings().stream().filter(f -> f.message().startsWith("01_")).findFirst()
                .orElseThrow();
        assertThat(orphans.evidence()).containsEntry("rows", 6L)
                .containsEntry("sample", List.of("id=1, customer_id=2", "id=100, customer_id=1",
                        "id=101, customer_id=2", "id=200, customer_id=1", "id=201, customer_id=2"));
    }

    @Test
    void passingAssertionsFindNothing() {
        String target = databases.create("clean", SHOP);

        Outcome outcome = rehearse(target, SqlAssertions.fromDirectory(Path.of("src/test/resources/assertions/shop")),
                "SET lock_timeout = '5s'", "ALTER TABLE customers ADD COLUMN note text");

        assertThat(outcome.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(outcome.findings()).isEmpty();
    }

    @Test
    void anAssertionCannotChangeTheBranch() {
        String target = databases.create("readonly", SHOP);

        Outcome outcome = rehearse(target, SqlAssertions.of(Map.of("sneaky.sql",
                "DELETE FROM customers RETURNING id")), "SET lock_timeout = '5s'",
                "ALTER TABLE customers ADD COLUMN note text");

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKinds.CHECK_ERROR);
            assertThat(f.message()).contains("sneaky.sql").contains("read-only transaction");
        });
    }

    @Test
    void badAssertionSourcesAreConfigurationErrorsThatNameTheFix() {
        assertThatThrownBy(() -> SqlAssertions.fromDirectory(Path.of("no/such/dir")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SqlAssertions.fromClasspath("no/such/location"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("classpath:no/such/location");
        assertThatThrownBy(() -> SqlAssertions.of(Map.of("empty.sql", "-- just a comment")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("holds no query");
        assertThatThrownBy(() -> SqlAssertions.of(Map.of("odd.sql", "-- rehearsal:severity fatal\nSELECT 1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("use info, warning or blocking");
    }
}
