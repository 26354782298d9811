package dev.rehearsal.branch.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.branch.neon.LocalNeonApi.Request;
import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.check.Policy;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole rehearsals with {@link NeonBranchProvider} against the local Neon API: the branch is a real copy of the
 * parent's database, the migrations run on it through the connection URI Neon hands out, and the branch is deleted
 * through the API afterwards — after a promotion, after a failure, and when the API is busy or refuses the key.
 */
class NeonRehearsalIT {
    static final String[] SHOP = {
            "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
            "INSERT INTO customers SELECT i, 'c' || (i % 400) || '@example.com' FROM generate_series(1, 1000) i"};
    static final String ADD_NOTE = "ALTER TABLE customers ADD COLUMN note text";
    static final String UNIQUE_EMAIL = "CREATE UNIQUE INDEX customers_email ON customers (email)";
    private static final String BRANCHES = "/projects/" + LocalNeonApi.PROJECT + "/branches";
    private static final String A_BRANCH = BRANCHES + "/br-[a-z0-9-]+";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();
    private final NeonTestProject neon = NeonTestProject.start(databases, SHOP);

    @AfterEach
    void stopApi() {
        neon.close();
    }

    @Test
    void aStatementOnTheServerRunsOnANeonBranchWhichHasItsOwnAndIsReportedForThePolicyToJudge() {
        String ownDefault = "ALTER ROLE CURRENT_USER SET work_mem = '8MB'";

        Outcome blocked = Rehearsal.configure().target(neon.parent()).branchProvider(neon.provider().build())
                .engine(new ScriptEngine().migration("1", ownDefault)).load().rehearse();
        Outcome accepted = Rehearsal.configure().target(neon.parent()).branchProvider(neon.provider().build())
                .engine(new ScriptEngine().migration("1", ownDefault))
                .policy(Policy.builder().severity(FindingKinds.OUTSIDE_BRANCH, Severity.WARNING).build())
                .load().rehearse();

        assertThat(blocked.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(blocked.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo(FindingKinds.OUTSIDE_BRANCH);
            assertThat(finding.migration()).isEqualTo("1");
            assertThat(finding.evidence()).containsEntry("executed", true);
            assertThat(finding.message()).contains("ran on the branch's own server");
        });
        assertThat(accepted.verdict()).isEqualTo(Verdict.PASSED);
        assertThat(accepted.findings()).extracting(Finding::severity).containsExactly(Severity.WARNING);
    }

    @Test
    void aConnectionToAnotherServerIsRefusedEvenOnANeonBranch() {
        Outcome outcome = Rehearsal.configure().target(neon.parent()).branchProvider(neon.provider().build())
                .engine(new ScriptEngine().migration("1", "SELECT dblink_exec('dbname=" + neon.parentDatabase
                        + "', 'DELETE FROM customers')"))
                .policy(Policy.builder().severity(FindingKinds.OUTSIDE_BRANCH, Severity.WARNING).build())
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.BLOCKED);
        assertThat(outcome.findings()).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Severity.BLOCKING);
            assertThat(finding.evidence()).containsEntry("executed", false);
        });
        assertThat(postgres.query(neon.parentDatabase, "SELECT count(*) FROM customers")).containsExactly("1000");
    }

    @Test
    void rehearsesOnARealNeonBranchPromotesAndDeletesTheBranchThroughTheApi() {
        List<String> seenOnBranch = new ArrayList<>();
        Outcome outcome = Rehearsal.configure().target(neon.parent())
                .branchProvider(neon.provider().build())
                .engine(new ScriptEngine().migration("1", ADD_NOTE))
                .check(context -> {
                    try (Connection connection = context.branch().getConnection();
                         Statement statement = connection.createStatement();
                         ResultSet rows = statement.executeQuery("SELECT current_database(), current_user, "
                                 + "count(*), count(note) FROM customers")) {
                        rows.next();
                        seenOnBranch.add(rows.getString(1) + "|" + rows.getString(2) + "|" + rows.getInt(3) + "|"
                                + rows.getInt(4));
                    }
                    return List.of();
                })
                .load().run();

        assertThat(outcome.verdict()).as(outcome.reasons().toString()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.branch().provider()).isEqualTo("neon");
        assertThat(outcome.branch().name()).matches("rehearsal-run-\\d{8}t\\d{6}-[a-z0-9]{6}");
        // the checks ran on the branch's own database, as the role of the connection URI, with the parent's data
        assertThat(seenOnBranch).singleElement().asString()
                .matches("neon_\\d+_br_local_\\d{6}\\|" + neon.role + "\\|1000\\|0");
        assertThat(outcome.statements()).anySatisfy(s -> assertThat(s.sql()).isEqualTo(ADD_NOTE));
        assertThat(postgres.query(neon.parentDatabase, "SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'customers' AND column_name = 'note'")).containsExactly("1");
        assertBranchDeletedThroughTheApi();
        // the branch was used only after its operations had finished: each was polled until then
        assertThat(neon.api.count("GET", "/projects/.*/operations/.*")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void discardsTheBranchThroughTheApiWhenAMigrationFailsOnTheParentsData() {
        String before = postgres.describe(neon.parentDatabase);

        Outcome outcome = Rehearsal.configure().target(neon.parent())
                .branchProvider(neon.provider().build())
                .engine(new ScriptEngine().migration("1", UNIQUE_EMAIL))
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().sqlState()).isEqualTo("23505");
        assertThat(postgres.describe(neon.parentDatabase)).isEqualTo(before);
        assertBranchDeletedThroughTheApi();
    }

    @Test
    void retriesARateLimitAfterItsRetryAfterAndAnUnavailableApiThenSucceeds() {
        neon.api.fail("POST", BRANCHES, 429, 1).fail("POST", BRANCHES, 503, 1)
                .fail("DELETE", A_BRANCH, 503, 1);

        Outcome outcome = Rehearsal.configure().target(neon.parent())
                .branchProvider(neon.provider().build())
                .engine(new ScriptEngine().migration("1", ADD_NOTE))
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.PROMOTED);
        List<Request> creates = neon.api.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals(BRANCHES)).toList();
        assertThat(creates).extracting(Request::status).containsExactly(429, 503, 201);
        // Retry-After: 1 was honoured, although the provider's own backoff is 20 ms
        assertThat(Duration.between(creates.get(0).at(), creates.get(1).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(900));
        assertThat(neon.api.requests().stream().filter(r -> r.method().equals("DELETE")))
                .extracting(Request::status).containsExactly(503, 200);
        assertThat(neon.api.branchNames()).containsExactly("main");
        assertThat(neon.api.branchDatabases()).isEmpty();
    }

    @Test
    void aRefusedApiKeyFailsTheRunWithAClearMessageAndLeavesNothingBehind() {
        String before = postgres.describe(neon.parentDatabase);

        Throwable thrown = catchThrowable(() -> Rehearsal.configure().target(neon.parent())
                .branchProvider(neon.provider("napi_revoked0000000000000000000000").build())
                .engine(new ScriptEngine().migration("1", ADD_NOTE))
                .load().run());

        assertThat(thrown).isInstanceOf(NeonApiException.class)
                .hasMessageContaining("refused the API key from the environment variable NEON_API_KEY")
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("missing, invalid or revoked")
                .hasMessageContaining("NeonBranchProvider.builder().apiKeyFromEnvironment(...)")
                .hasMessageNotContaining("napi_revoked");
        assertThat(((NeonApiException) thrown).status()).isEqualTo(401);
        assertThat(((NeonApiException) thrown).code()).isEqualTo(ErrorCode.BRANCH);
        // one refusal, not retried, and nothing asked of Neon after it
        assertThat(neon.api.requests()).extracting(Request::status).containsExactly(401);
        assertThat(neon.api.branchNames()).containsExactly("main");
        assertThat(neon.api.branchDatabases()).isEmpty();
        assertThat(postgres.describe(neon.parentDatabase)).isEqualTo(before);
    }

    @Test
    void anyOtherRefusalShowsNeonsOwnMessage() {
        Throwable thrown = catchThrowable(() -> Rehearsal.configure().target(neon.parent())
                .branchProvider(neon.provider().parentTimestamp(Instant.now().minusSeconds(60)).build())
                .engine(new ScriptEngine().migration("1", ADD_NOTE))
                .load().run());

        assertThat(thrown).isInstanceOf(NeonApiException.class)
                .hasMessageContaining("POST " + BRANCHES + " (HTTP 400)")
                .hasMessageContaining("branching from a point in time is not available on the local Neon API");
        assertThat(neon.api.branchNames()).containsExactly("main");
    }

    private void assertBranchDeletedThroughTheApi() {
        assertThat(neon.api.count("POST", BRANCHES)).isEqualTo(1);
        assertThat(neon.api.count("DELETE", A_BRANCH)).isEqualTo(1);
        assertThat(neon.api.branchNames()).containsExactly("main");
        assertThat(neon.api.branchDatabases()).isEmpty();
    }
}
