package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/** The auto provider on a real server: a template copy while the target is free, a snapshot copy while it is not. */
class AutoBranchProviderIT {
    private static final String[] SHOP = {
            "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
            "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 300) i"};

    @RegisterExtension
    final TestDatabases databases = TestDatabases.onPostgres15(); // the pg_dump here is 15's
    private final TestPostgres postgres = databases.postgres();
    private final AutoBranchProvider auto = AutoBranchProvider.builder()
            .template(TemplateBranchProvider.builder().prefix("it_auto_").build())
            .snapshotCopy(SnapshotCopyBranchProvider.builder().prefix("it_auto_").build())
            .build();

    @Test
    void aTargetNobodyIsConnectedToGetsATemplateCopy() {
        String parent = databases.create("auto_free", SHOP);

        try (Branch branch = auto.create(request(parent))) {
            assertThat(branch.copyMethod()).startsWith("FILE_COPY");
            assertThat(postgres.describe(branch.name())).isEqualTo(postgres.describe(parent));
        }
    }

    @Test
    void aTargetInUseGetsASnapshotCopyAndItsSessionIsLeftAlone() throws SQLException {
        String parent = databases.create("auto_busy", SHOP);
        Connection application = databases.session(parent, "orders-service");
        int pid = application.unwrap(PGConnection.class).getBackendPID();

        try (Branch branch = auto.create(request(parent))) {
            assertThat(branch.copyMethod()).startsWith("snapshot copy");
            assertThat(postgres.query(branch.name(), "SELECT count(*) FROM customers")).containsExactly("300");
        }
        assertThat(postgres.isConnected(pid)).isTrue();
        assertThat(postgres.databasesStartingWith("it_auto_")).isEmpty();
    }

    @Test
    void rehearsalsOwnIdleSessionAboutToEndIsWaitedForNotTakenForSomeoneElses() throws Exception {
        String parent = databases.create("auto_own", SHOP);
        Connection closing = postgres.openSession(parent, Sql.APPLICATION_NAME);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(400);
                closing.close();
            } catch (InterruptedException | SQLException e) {
                throw new IllegalStateException(e);
            }
        });

        try (Branch branch = auto.create(request(parent))) {
            assertThat(branch.copyMethod()).startsWith("FILE_COPY");
        }
        closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNamedBranchOfATargetInUseIsASnapshotCopyListedWithTheTemplateCopies() {
        String parent = databases.create("auto_named", SHOP);
        BranchManager branches = BranchManager.of(auto, postgres.location(parent));
        String freeName = "dev-free-" + ProcessHandle.current().pid();
        String busyName = "dev-busy-" + ProcessHandle.current().pid();
        databases.dropAfterwards(freeName);
        databases.dropAfterwards(busyName);
        BranchInfo free = branches.create(freeName, Duration.ofHours(1));
        databases.session(parent, "orders-service");

        BranchInfo busy = branches.create(busyName, Duration.ofHours(1));

        assertThat(branches.list()).extracting(BranchInfo::name).containsExactlyInAnyOrder(free.name(), busy.name());
        assertThat(postgres.query(busy.name(), "SELECT count(*) FROM customers")).containsExactly("300");
        branches.delete(busy.name());
        branches.delete(free.name());
        assertThat(branches.list()).isEmpty();
    }

    private BranchRequest request(String parent) {
        return new BranchRequest(postgres.location(parent), Duration.ofHours(2), "test");
    }
}
