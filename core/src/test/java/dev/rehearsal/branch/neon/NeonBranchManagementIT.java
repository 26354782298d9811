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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Branch management through {@link BranchManager} on the local Neon API, with real databases behind it. */
class NeonBranchManagementIT {
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

        BranchInfo reset = branches.reset("dev-alice");

        assertThat(postgres.describe(aliceDatabase)).isEqualTo(postgres.describe(neon.parentDatabase));
        assertThat(reset.created()).isAfter(created.created().minusSeconds(1));
        assertThat(reset.expires()).isEqualTo(created.expires());
        assertThat(neon.api.count("POST", "/projects/.*/branches/br-[a-z0-9-]+/restore")).isEqualTo(1);

        BranchInfo extended = branches.extend("dev-alice", Duration.ofDays(30));
        assertThat(extended.expires()).isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(5,
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
