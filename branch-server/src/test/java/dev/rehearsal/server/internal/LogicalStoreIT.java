package dev.rehearsal.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logical mirror on the server's own PostgreSQL 18: branches are template clones of a mirror that a refresh
 * replaces without touching them; a restart keeps the recorded branches and drops the rest.
 */
class LogicalStoreIT {
    private static final String PASSWORD = "mirror-Pa55";
    /** PostgreSQL 15: the pg_dump here is Debian's 15 */
    private static TestPostgres POSTGRES;
    private static String role;
    private static String sourceDatabase;
    private static DatabaseLocation source;

    @TempDir
    static Path work;
    private static XfsLoopMount xfs;

    @BeforeAll
    static void source() {
        POSTGRES = TestPostgres.postgres15();
        role = POSTGRES.createRole("mirror", PASSWORD);
        POSTGRES.requirePassword(role);
        sourceDatabase = POSTGRES.createDatabase("mirror_source");
        POSTGRES.execute("postgres", "ALTER DATABASE " + sourceDatabase + " OWNER TO " + role);
        source = DatabaseLocation.of(POSTGRES.jdbcUrl(sourceDatabase), role, PASSWORD);
        execute(source, "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)",
                "INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 1000) g");
        XfsLoopMount.Result mount = XfsLoopMount.tryMount(work, 2L << 30);
        xfs = mount.mount();
    }

    @AfterAll
    static void unmount() {
        if (xfs != null) {
            xfs.close();
        }
    }

    private static Path dataDirectory(String name) throws Exception {
        Path root = xfs != null ? xfs.path() : work;
        return Files.createDirectories(root.resolve(name));
    }

    private static LogicalStore store(Path data) {
        return new LogicalStore(source, data, ServerBinaries.onClassPath(data.resolve("binaries")), "127.0.0.1", 0,
                Duration.ZERO, SnapshotCopyBranchProvider.builder().jobs(2), Clock.systemUTC());
    }

    @Test
    void aRefreshChangesNoBranchAndNewBranchesSeeIt() throws Exception {
        Path data = dataDirectory("refresh");
        try (LogicalStore store = store(data)) {
            assertThat(store.start(List.of())).isEmpty();
            StoredBranch before = store.create("br-before-1");
            DatabaseLocation branch = location(before);
            assertThat(single(branch, "SELECT sum(balance) FROM accounts")).isEqualTo("100000");
            execute(branch, "UPDATE accounts SET balance = 0 WHERE id = 1");

            execute(source, "INSERT INTO accounts VALUES (1001, 5)");
            store.refresh();
            StoredBranch after = store.create("br-after-1");

            assertThat(single(branch, "SELECT count(*) FROM accounts")).isEqualTo("1000");
            assertThat(single(branch, "SELECT balance FROM accounts WHERE id = 1")).isEqualTo("0");
            assertThat(single(location(after), "SELECT count(*) FROM accounts")).isEqualTo("1001");
            assertThat(after.point()).isNotEqualTo(before.point());
            assertThat(store.status().mirrorRefreshedAt()).isEqualTo(after.copiedAt());
            assertThat(store.status().copyMethod()).contains(xfs != null ? "clone" : "plain file copy");

            StoredBranch reset = store.reset(before);
            assertThat(reset.port()).isEqualTo(before.port());
            assertThat(single(location(reset), "SELECT balance FROM accounts WHERE id = 1")).isEqualTo("100");
            assertThat(single(location(reset), "SELECT count(*) FROM accounts")).isEqualTo("1001");

            assertThatThrownBy(() -> single(DatabaseLocation.of(location(after).redactedUrl(), role, "wrong"),
                    "SELECT 1")).hasMessageContaining("password");
            store.delete(after);
            store.delete(after);
        } finally {
            execute(source, "DELETE FROM accounts WHERE id = 1001");
        }
    }

    @Test
    void aRestartKeepsRecordedBranchesAndDropsTheOthers() throws Exception {
        Path data = dataDirectory("restart");
        StoredBranch kept;
        StoredBranch orphan;
        try (LogicalStore store = store(data)) {
            store.start(List.of());
            kept = store.create("br-kept-1");
            orphan = store.create("br-orphan-1");
            assertThat(store.inUse(kept)).isFalse();
            try (Connection session = connect(location(kept))) {
                assertThat(store.inUse(kept)).isTrue();
            }
        }
        try (LogicalStore store = store(data)) {
            List<StoredBranch> alive = store.start(List.of(kept));
            assertThat(alive).extracting(StoredBranch::id).containsExactly("br-kept-1");
            assertThat(alive.get(0).port()).isEqualTo(kept.port());
            assertThat(single(location(kept), "SELECT count(*) FROM accounts")).isEqualTo("1000");
            assertThatThrownBy(() -> single(location(orphan), "SELECT 1")).hasMessageContaining("does not exist");
            store.remove();
        }
        assertThat(data.resolve("logical")).doesNotExist();
    }

    private static DatabaseLocation location(StoredBranch branch) {
        return DatabaseLocation.of("jdbc:postgresql://" + branch.host() + ":" + branch.port() + "/"
                + branch.database(), branch.role(), PASSWORD);
    }

    private static Connection connect(DatabaseLocation location) throws SQLException {
        return location.dataSource("test").getConnection();
    }

    private static void execute(DatabaseLocation location, String... statements) {
        try (Connection connection = connect(location); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String single(DatabaseLocation location, String sql) throws SQLException {
        try (Connection connection = connect(location); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
