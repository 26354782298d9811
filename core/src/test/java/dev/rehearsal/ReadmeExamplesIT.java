package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.SqlAssertions;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's code, as written there, does what the README says. */
class ReadmeExamplesIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();

    @Test
    void theJavaCheckAndPolicyExamplesWorkAsShown() {
        String target = databases.create("readme",
                "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 100) i",
                "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL)");

        Outcome outcome = Rehearsal.configure()
                .target(databases.postgres().location(target))
                .engine(new ScriptEngine().migration("1", "DELETE FROM customers WHERE id > 90"))
                .policy(Policy.builder()
                        .severity(FindingKinds.BREAKING_CHANGE, Severity.BLOCKING)
                        .lockThreshold(Duration.ofMillis(500))
                        .rowsUnderLock(1_000_000)
                        .ignore(FindingKinds.LARGE_BACKFILL)
                        .build())
                .check(SqlAssertions.fromClasspath("assertions/shop"))
                .check(context -> {
                    long before = context.before().table("public", "customers").orElseThrow().rowCount();
                    long after = context.after().table("public", "customers").orElseThrow().rowCount();
                    return after < before
                            ? List.of(Finding.blocking("customers-lost", (before - after) + " customers went missing"))
                            : List.of();
                })
                .load()
                .rehearse();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).extracting(Finding::kind, Finding::message)
                .contains(org.assertj.core.groups.Tuple.tuple("customers-lost", "10 customers went missing"));
    }
}
