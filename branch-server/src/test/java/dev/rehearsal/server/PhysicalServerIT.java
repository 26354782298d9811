package dev.rehearsal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.copy.AutoBranchProvider;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole rehearsals through the branch server in physical mode, as users run them: the Neon provider pointed at the
 * server, and the auto provider while the source is in use. The source is a PostgreSQL 15 (Debian's pg_basebackup is
 * 15) whose role needs its password, which the branches keep and the server never learns.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhysicalServerIT {
    private static final String KEY = "physical-server-it-key-0123456789";
    private static final String PASSWORD = "Source-Pa55";
    private static final String ADD_NOTE = "ALTER TABLE customers ADD COLUMN note text";

    @TempDir
    static Path work;
    private static XfsLoopMount xfs;
    private static TestPostgres source;
    private static String role;
    private static DatabaseLocation target;
    private static BranchServer server;

    @BeforeAll
    static void startServer() {
        XfsLoopMount.Result mount = XfsLoopMount.tryMount(work, 4L << 30);
        Assumptions.assumeTrue(mount.mount() != null, "a branch server needs a copy-on-write file system for this "
                + "test, and XFS cannot be loop-mounted here: " + mount.whyNot());
        xfs = mount.mount();
        source = TestPostgres.postgres15In(xfs.path().resolve("source"));
        role = source.createRole("app", PASSWORD);
        source.execute("postgres", "ALTER ROLE " + role + " REPLICATION", "GRANT pg_monitor, pg_checkpoint TO "
                + role);
        source.requirePassword(role);
        String database = source.createDatabase("shop");
        // what a role that is no superuser needs to pause the standby's replay (in the database it connects to)
        source.execute(database, "GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume() TO "
                + role);
        source.execute("postgres", "ALTER DATABASE " + database + " OWNER TO " + role);
        target = DatabaseLocation.of(source.jdbcUrl(database), role, PASSWORD);
        source.execute(database, "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO customers SELECT i, 'c' || (i % 400) || '@example.com' FROM generate_series(1, 1000) i",
                "ALTER TABLE customers OWNER TO " + role);
        server = BranchServer.builder().source(target).dataDirectory(xfs.path().resolve("server")).apiKey(KEY)
                .port(0).serverBinaries(Path.of(System.getProperty(TestPostgres.POSTGRES_15_PROPERTY)))
                .pgBasebackup(Path.of("/usr/lib/postgresql/15/bin/pg_basebackup")).build().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
        if (source != null) {
            source.stop();
        }
        if (xfs != null) {
            xfs.close();
        }
    }

    private static NeonBranchProvider neon() {
        return NeonBranchProvider.builder().apiBaseUrl(server.baseUrl()).projectId("local").apiKey(KEY)
                .databaseName(target.database()).roleName(role).build();
    }

    @Test
    @Order(1)
    void rehearsesOnABranchOfTheServerPromotesAndDeletesTheBranch() throws Exception {
        Outcome outcome = Rehearsal.configure().target(target).branchProvider(neon())
                .engine(new ScriptEngine().migration("1", ADD_NOTE)).load().run();

        assertThat(outcome.verdict()).as(outcome.reasons().toString()).isEqualTo(Verdict.PROMOTED);
        assertThat(outcome.branch().copyMethod()).startsWith("branch server " + server.baseUrl() + " (Neon API): ")
                .contains("reflink");
        assertThat(source.query(target.database(), "SELECT count(*) FROM information_schema.columns "
                + "WHERE table_name = 'customers' AND column_name = 'note'")).containsExactly("1");
        assertThat(branchesOnTheServer()).doesNotContain("rehearsal-run-");
    }

    @Test
    @Order(2)
    void aMigrationThatFailsOnTheSourcesDataFailsOnTheBranchAndTheBranchIsDiscarded() throws Exception {
        Outcome outcome = Rehearsal.configure().target(target).branchProvider(neon())
                .engine(new ScriptEngine().migration("1", ADD_NOTE)
                        .migration("2", "CREATE UNIQUE INDEX customers_email ON customers (email)"))
                .load().run();

        assertThat(outcome.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
        assertThat(outcome.failure().sqlState()).isEqualTo("23505");
        assertThat(source.query(target.database(), "SELECT count(*) FROM pg_indexes WHERE indexname = "
                + "'customers_email'")).containsExactly("0");
        assertThat(branchesOnTheServer()).doesNotContain("rehearsal-run-");
    }

    @Test
    @Order(3)
    void autoRehearsesOnTheServerWhileTheSourceIsInUse() throws Exception {
        AutoBranchProvider auto = AutoBranchProvider.builder().branchServer(server.baseUrl())
                .branchServerKey(KEY).build();
        try (Connection someoneElse = target.dataSource("someone-else").getConnection()) {
            Outcome outcome = Rehearsal.configure().target(target).branchProvider(auto)
                    .engine(new ScriptEngine().migration("1", ADD_NOTE).migration("2",
                            "CREATE INDEX customers_email ON customers (email)")).load().rehearse();

            assertThat(outcome.verdict()).as(outcome.reasons().toString()).isEqualTo(Verdict.PASSED);
            assertThat(outcome.branch().provider()).isEqualTo("auto");
            assertThat(outcome.branch().copyMethod()).contains("branch server");
        }
    }

    @Test
    @Order(4)
    void theStatusReportsTheStandbyAndTheSlot() {
        MirrorStatus status = server.status();

        assertThat(status.mode()).isEqualTo("physical");
        assertThat(status.copyOnWrite()).isTrue();
        assertThat(status.sourceMajor()).isEqualTo(15);
        assertThat(status.slotWalStatus()).isIn("reserved", "extended");
        assertThat(status.slotRetainedBytes()).isNotNull().isNotNegative();
        assertThat(status.replayLagBytes()).isNotNull();
    }

    @Test
    @Order(5)
    void removingTheServerDropsItsReplicationSlot() {
        assertThat(source.query("postgres", "SELECT count(*) FROM pg_replication_slots")).containsExactly("1");

        server.remove();
        server = null;

        assertThat(source.query("postgres", "SELECT count(*) FROM pg_replication_slots")).containsExactly("0");
        assertThat(xfs.path().resolve("server")).isEmptyDirectory();
    }

    private static String branchesOnTheServer() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/projects/local/branches"))
                .header("Authorization", "Bearer " + KEY).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

}
