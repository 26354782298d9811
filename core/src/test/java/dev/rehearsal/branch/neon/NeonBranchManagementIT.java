package dev.rehearsal.branch.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Branch management through {@link BranchManager} on the local Neon API, with real databases behind it. */
class NeonBranchManagementIT {
    private static final String BRANCHES = "/projects/" + LocalNeonApi.PROJECT + "/branches";
    private static final String RESTORE = BRANCHES + "/br-[a-z0-9-]+/restore";
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();
    private final NeonTestProject neon = NeonTestProject.start(databases, NeonRehearsalIT.SHOP);
    private final NeonBranchProvider provider = neon.provider().build();
    private final BranchManager branches = BranchManager.of(provider, neon.parent());

    @AfterEach
    void stopApi() {
        neon.close();
    }

    @Test
    void createsListsResetsExtendsAndDeletesADevelopersBranch() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BranchInfo created = branches.create("dev-alice", Duration.ofDays(7));

        assertThat(created.name()).isEqualTo("dev-alice");
        assertThat(created.parent()).isEqualTo("main");
        assertThat(created.purpose()).isEqualTo(NeonBranchProvider.DEVELOPER);
        assertThat(created.kept()).isFalse();
        assertThat(created.created()).isBetween(before, Instant.now());
        assertThat(created.expires()).isCloseTo(before.plus(Duration.ofDays(7)), within(5, ChronoUnit.SECONDS));
        assertThat(created.url()).startsWith("jdbc:postgresql://localhost:" + postgres.port() + "/neon_")
                .doesNotContain(neon.password);
        assertThat(neon.api.branchNames()).containsExactly("main", "rehearsal-dev-alice");
        assertThat(branches.list()).singleElement().satisfies(listed -> {
            assertThat(listed.name()).isEqualTo("dev-alice");
            assertThat(listed.parent()).isEqualTo("main");
            assertThat(listed.created()).isEqualTo(created.created());
            assertThat(listed.expires()).isEqualTo(created.expires());
            assertThat(listed.sizeBytes()).isPositive();
        });

        // the developer works on the branch, the parent moves on
        DatabaseLocation alice = branches.location("dev-alice");
        assertThat(alice.hasPassword()).isTrue();
        assertThat(alice.redactedUrl()).contains("channelBinding=disable"); // Neon's channel_binding, kept
        try (Connection connection = alice.dataSource("test").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM customers WHERE id > 10");
            statement.execute("CREATE TABLE scratch (id int)");
            try (ResultSet user = statement.executeQuery("SELECT current_user")) {
                user.next();
                assertThat(user.getString(1)).isEqualTo(neon.role);
            }
        }
        postgres.execute(neon.parentDatabase, "SET ROLE " + neon.role,
                "INSERT INTO customers SELECT i, 'n' || i || '@example.com' FROM generate_series(1001, 1100) i",
                "CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers)");
        String aliceDatabase = neon.api.databaseOf("rehearsal-dev-alice");
        assertThat(postgres.describe(aliceDatabase)).isNotEqualTo(postgres.describe(neon.parentDatabase));

        neon.api.expire("rehearsal-dev-alice", Instant.now().plus(Duration.ofHours(1))); // 7 days less 1 h passed
        BranchInfo reset = branches.reset("dev-alice");

        assertThat(postgres.describe(aliceDatabase)).isEqualTo(postgres.describe(neon.parentDatabase));
        assertThat(reset.created()).isAfter(created.created().minusSeconds(1));
        // as on Neon, a reset starts the branch's 7 days again
        assertThat(reset.expires()).isCloseTo(Instant.now().plus(Duration.ofDays(7)), within(5, ChronoUnit.SECONDS));
        assertThat(neon.api.count("POST", "/projects/.*/branches/br-[a-z0-9-]+/restore")).isEqualTo(1);

        BranchInfo extended = branches.extend("dev-alice", Duration.ofDays(29));
        assertThat(extended.expires()).isCloseTo(Instant.now().plus(Duration.ofDays(29)), within(5,
                ChronoUnit.SECONDS));
        assertThat(branches.list()).singleElement().extracting(BranchInfo::expires).isEqualTo(extended.expires());

        branches.delete("dev-alice");

        assertThat(branches.list()).isEmpty();
        assertThat(neon.api.branchNames()).containsExactly("main");
        assertThat(neon.api.branchDatabases()).isEmpty();
    }

    @Test
    void refusesATakenNameAUnknownBranchAndTheNamesOfRunsBranches() {
        branches.create("dev-bob");

        assertThat(catchThrowable(() -> branches.create("dev-bob"))).isInstanceOf(BranchException.class)
                .hasMessageContaining("already has a branch named 'rehearsal-dev-bob'");
        assertThat(catchThrowable(() -> branches.reset("dev-carol"))).isInstanceOf(BranchException.class)
                .hasMessageContaining("has no branch 'dev-carol'");
        assertThat(catchThrowable(() -> branches.create("run-tests"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rehearsal runs' branches");
        assertThat(neon.api.branchNames()).containsExactly("main", "rehearsal-dev-bob");
    }

    @Test
    void reapsExpiredBranchesAndRunsLeftoversButNotKeptOnesNorOthers() {
        Branch interrupted = provider.create(new BranchRequest(neon.parent(), Duration.ofHours(6),
                BranchRequest.RUNNER));
        Branch kept = provider.create(new BranchRequest(neon.parent(), Duration.ofHours(6), BranchRequest.RUNNER));
        kept.keepUntil(Instant.now().plus(Duration.ofHours(8)));
        branches.create("dev-dave");
        branches.create("dev-erin");
        neon.api.expire("rehearsal-dev-erin", Instant.now().minusSeconds(1));
        NeonBranchProvider otherPrefix = neon.provider().prefix("other-").build();
        BranchManager.of(otherPrefix, neon.parent()).create("dev-frank");
        neon.api.expire("other-dev-frank", Instant.now().minusSeconds(1));

        assertThat(kept.name()).startsWith("rehearsal-kept-");
        assertThat(branches.list()).extracting(BranchInfo::name, BranchInfo::kept).contains(
                tuple(kept.name().substring("rehearsal-".length()), true));

        List<String> reaped = Rehearsal.configure().target(neon.parent()).branchProvider(provider)
                .engine(new ScriptEngine()).load().reapOrphans();

        assertThat(reaped).containsExactlyInAnyOrder(interrupted.name(), "rehearsal-dev-erin");
        assertThat(neon.api.branchNames()).containsExactlyInAnyOrder("main", kept.name(), "rehearsal-dev-dave",
                "other-dev-frank");
        interrupted.close(); // already gone: not an error
        assertThat(neon.api.requests()).last().satisfies(request -> {
            assertThat(request.method()).isEqualTo("DELETE");
            assertThat(request.status()).as("Neon's answer for a branch already deleted").isEqualTo(204);
        });
    }

    @Test
    void resetsABranchFromItsOwnParentNotFromTheParentTheProviderIsConfiguredWith() {
        branches.create("dev-base");
        postgres.execute(neon.api.databaseOf("rehearsal-dev-base"), "SET ROLE " + neon.role,
                "CREATE TABLE only_on_base (id int)");
        branches.create("dev-alice");
        String alice = neon.api.databaseOf("rehearsal-dev-alice");
        postgres.execute(alice, "SET ROLE " + neon.role, "DROP TABLE customers");
        BranchManager fromBase = BranchManager.of(neon.provider().parentBranch("rehearsal-dev-base").build(),
                neon.parent());

        BranchInfo reset = fromBase.reset("dev-alice");

        assertThat(postgres.describe(alice)).isEqualTo(postgres.describe(neon.parentDatabase))
                .isNotEqualTo(postgres.describe(neon.api.databaseOf("rehearsal-dev-base")));
        assertThat(reset.parent()).isEqualTo("main");
    }

    @Test
    void listsEveryBranchPageByPageWithNeonsCursor() {
        for (String name : List.of("dev-a", "dev-b", "dev-c", "dev-d", "dev-e")) {
            branches.create(name, Duration.ofDays(1));
        }
        long before = neon.api.count("GET", BRANCHES);

        BranchManager paged = BranchManager.of(neon.provider().branchPageSize(2).build(), neon.parent());

        assertThat(paged.list()).extracting(BranchInfo::name).containsExactly("dev-a", "dev-b", "dev-c", "dev-d",
                "dev-e");
        List<String> pages = neon.api.requests().stream().filter(r -> r.method().equals("GET"))
                .map(LocalNeonApi.Request::path).filter(path -> path.matches(BRANCHES + "\\?.*")).skip(before)
                .toList();
        assertThat(pages).hasSizeGreaterThanOrEqualTo(3).allMatch(path -> path.contains("limit=2"));
        assertThat(pages.get(0)).doesNotContain("cursor=");
        assertThat(pages).filteredOn(path -> path.contains("cursor=")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void refusesAnExpiryBeyondNeonsLimitBeforeAnyRequestAndTheApiRefusesOneThatGetsThrough() {
        branches.create("dev-bob");
        long requests = neon.api.requests().size();

        assertThat(catchThrowable(() -> branches.create("dev-carol", Duration.ofDays(31))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at most 30 days ahead");
        assertThat(catchThrowable(() -> branches.extend("dev-bob", Duration.ofDays(60))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("expiresAfter(60d)");
        assertThat(neon.api.requests()).hasSize((int) requests);

        // a clock two days ahead of Neon's gets past the margin: Neon refuses, and says why
        NeonBranchProvider ahead = neon.provider().clock(Clock.offset(Clock.systemUTC(), Duration.ofDays(2)))
                .build();
        assertThat(catchThrowable(() -> BranchManager.of(ahead, neon.parent()).create("dev-carol",
                Duration.ofDays(29)))).isInstanceOf(BranchException.class)
                .hasMessageContaining("HTTP 400").hasMessageContaining("at most 30 days from now");
        assertThat(catchThrowable(() -> ahead.extendBranch(neon.parent(), "dev-bob", Instant.now().plus(
                Duration.ofDays(31))))).isInstanceOf(BranchException.class).hasMessageContaining("HTTP 400");
        assertThat(neon.api.branchNames()).containsExactly("main", "rehearsal-dev-bob");
    }

    @Test
    void keepsPollingWhileAnOperationIsCancellingAndReportsTheOneThatEndsCancelled() {
        neon.api.operationStates("create_branch", "running", "cancelling", "cancelling", "cancelled");

        assertThat(catchThrowable(() -> branches.create("dev-dan"))).isInstanceOf(BranchException.class)
                .hasMessageContaining("create_branch").hasMessageContaining("ended 'cancelled'");
        assertThat(neon.api.branchNames()).containsExactly("main");

        neon.api.operationStates("create_branch", "cancelling", "finished");
        assertThat(branches.create("dev-dan").name()).isEqualTo("dev-dan");

        neon.api.operationStates("start_compute", "running", "error");
        assertThat(catchThrowable(() -> branches.create("dev-erin"))).isInstanceOf(BranchException.class)
                .hasMessageContaining("start_compute").hasMessageContaining("ended 'error'");
        assertThat(neon.api.branchNames()).containsExactly("main", "rehearsal-dev-dan");
    }

    @Test
    void retriesWhileNeonSaysTheBranchIsNotReadyButNotAnotherRefusal() {
        branches.create("dev-fay");
        neon.api.fail("POST", RESTORE, 422, 2, "branch is not ready: it has operations in progress");

        branches.reset("dev-fay");

        assertThat(neon.api.count("POST", RESTORE)).isEqualTo(3);

        neon.api.fail("POST", RESTORE, 422, 1, "branch is protected");
        assertThat(catchThrowable(() -> branches.reset("dev-fay"))).isInstanceOf(BranchException.class)
                .hasMessageContaining("HTTP 422").hasMessageContaining("branch is protected");
        assertThat(neon.api.count("POST", RESTORE)).isEqualTo(4);
    }

    @Test
    void leavesARunsBranchAloneWhileItsComputeIsActive() throws Exception {
        Branch live = provider.create(new BranchRequest(neon.parent(), Duration.ofHours(6), BranchRequest.RUNNER));
        Connection session = databases.session(neon.api.databaseOf(live.name()), "rehearsal");
        Rehearsal rehearsal = Rehearsal.configure().target(neon.parent()).branchProvider(provider)
                .engine(new ScriptEngine()).load();

        assertThat(rehearsal.reapOrphans()).isEmpty();
        assertThat(neon.api.branchNames()).contains(live.name());

        session.close();
        Await.until("the session on the branch to end", () -> postgres.query("postgres",
                "SELECT 1 FROM pg_stat_activity WHERE datname = ?", neon.api.databaseOf(live.name())).isEmpty());
        assertThat(rehearsal.reapOrphans()).containsExactly(live.name());
        assertThat(neon.api.branchNames()).doesNotContain(live.name());
    }
}
