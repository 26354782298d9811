package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchMetadata.RunnerIdentity;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.testing.DatabaseAccess;
import dev.rehearsal.testing.OnEveryMajor;
import dev.rehearsal.testing.StandardErrorCapture;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

class TemplateBranchProviderIT {
    private static final String[] SHOP = {
            "CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL)",
            "INSERT INTO customers SELECT i, 'c' || i || '@example.com' FROM generate_series(1, 500) i",
            "CREATE INDEX customers_email ON customers (email)"};

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void branchIsACopyOfTheParentDataIncluded() {
        String parent = databases.create("copy", SHOP);
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("it_copy_").build();

        try (Branch branch = provider.create(request(parent))) {
            assertThat(branch.name()).startsWith("it_copy_");
            assertThat(branch.location().database()).isEqualTo(branch.name());
            assertThat(postgres.describe(branch.name())).isEqualTo(postgres.describe(parent));
            assertThat(postgres.query(branch.name(), "SELECT count(*), max(email) FROM customers"))
                    .containsExactly("500|c9@example.com");
            assertThat(branch.creationMillis()).isNotNegative();
        }
    }

    @Test
    void branchNamesAreUniqueEvenWithinTheSameSecondAndFitAnIdentifier() {
        String parent = databases.createVerbatim("A rather long parent database name, well over forty");
        Clock frozen = Clock.fixed(Instant.parse("2026-11-23T21:53:01Z"), ZoneOffset.UTC);
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("it_unique_").clock(frozen).build();

        try (Branch first = provider.create(request(parent)); Branch second = provider.create(request(parent))) {
            assertThat(first.name()).isNotEqualTo(second.name());
            for (Branch branch : new Branch[] {first, second}) {
                assertThat(branch.name()).startsWith("it_unique_a_rather_long_parent")
                        .contains("_20261123T215301_");
                assertThat(branch.name().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
                assertThat(postgres.databasesStartingWith(branch.name())).containsExactly(branch.name());
            }
        }
    }

    @Test
    void recordsParentCreatedExpiresAndOwnerAsJsonInTheDatabaseComment() throws Exception {
        String parent = databases.create("metadata");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        try (Branch branch = TemplateBranchProvider.create().create(request(parent))) {
            JsonNode comment = json.readTree(commentOf(branch.name()));

            assertThat(comment.path("marker").asText()).isEqualTo("rehearsal-branch");
            JsonNode recorded = comment.path("branch");
            assertThat(recorded.path("parent").asText()).isEqualTo(parent);
            assertThat(recorded.path("owner").asText()).contains("@");
            assertThat(recorded.path("purpose").asText()).isEqualTo("test");
            Instant created = Instant.parse(recorded.path("created").asText());
            Instant expires = Instant.parse(recorded.path("expires").asText());
            assertThat(created).isBetween(before.minusSeconds(1), Instant.now());
            assertThat(Duration.between(created, expires)).isEqualTo(Duration.ofHours(2));
            assertThat(branch.metadata()).isEqualTo(new BranchMetadata(parent, created, expires,
                    recorded.path("owner").asText(), "test"));
        }
    }

    @Test
    void aRunsBranchRecordsItsRunnerAndHeartbeatsByTheServersClock() throws Exception {
        String parent = databases.create("runner");
        RunnerIdentity runner = RunnerIdentity.newRun();

        try (Branch branch = TemplateBranchProvider.create().create(new BranchRequest(postgres.location(parent),
                Duration.ofHours(2), BranchRequest.RUNNER, runner))) {
            JsonNode comment = json.readTree(commentOf(branch.name()));
            Instant first = Instant.parse(comment.path("branch").path("lastSeen").asText());
            Thread.sleep(20);
            branch.heartbeat();
            JsonNode beaten = json.readTree(commentOf(branch.name()));
            Instant server = Instant.parse(postgres.query("postgres",
                    "SELECT to_json(clock_timestamp())#>>'{}'").get(0));

            assertThat(comment.path("version").asInt()).isEqualTo(2);
            assertThat(json.treeToValue(comment.path("branch").path("runner"), RunnerIdentity.class))
                    .isEqualTo(runner);
            assertThat(runner.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(Instant.parse(beaten.path("branch").path("lastSeen").asText())).isAfter(first)
                    .isBetween(server.minusSeconds(5), server).isEqualTo(branch.metadata().lastSeen());
            assertThat(branch.metadata().runner()).isEqualTo(runner);
            assertThat(postgres.query("postgres", "SELECT setconfig FROM pg_db_role_setting s JOIN pg_database d "
                    + "ON d.oid = s.setdatabase WHERE d.datname = ?", branch.name()))
                    .containsExactly("{client_connection_check_interval=1s}");
        }
    }

    @Test
    void aBranchWithoutARunnerIsStillRecordedAsVersionOne() throws Exception {
        String parent = databases.create("version1");

        try (Branch branch = TemplateBranchProvider.create().create(request(parent))) {
            String recorded = commentOf(branch.name());
            JsonNode comment = json.readTree(recorded);

            assertThat(comment.path("version").asInt()).isEqualTo(1);
            assertThat(comment.path("branch").has("runner")).isFalse();
            assertThat(comment.path("branch").has("lastSeen")).isFalse();
            branch.heartbeat(); // nothing to do
            assertThat(commentOf(branch.name())).isEqualTo(recorded);
        }
    }

    @Test
    void aHeartbeatNeverUndoesKeepingAndKeepingKeepsTheRunner() throws Exception {
        String parent = databases.create("keepbeat");
        Branch branch = TemplateBranchProvider.create().create(new BranchRequest(postgres.location(parent),
                Duration.ofHours(2), BranchRequest.RUNNER, RunnerIdentity.newRun()));
        databases.dropAfterwards(branch.name());
        Instant keepUntil = Instant.parse("2031-01-02T03:04:05Z");
        branch.heartbeat();
        Instant lastSeen = branch.metadata().lastSeen();

        branch.keepUntil(keepUntil);
        branch.heartbeat();
        branch.close();

        JsonNode recorded = json.readTree(commentOf(branch.name())).path("branch");
        assertThat(recorded.path("kept").asBoolean()).isTrue();
        assertThat(Instant.parse(recorded.path("expires").asText())).isEqualTo(keepUntil);
        assertThat(Instant.parse(recorded.path("lastSeen").asText())).isEqualTo(lastSeen);
        assertThat(recorded.path("runner").path("id").asText()).isEqualTo(branch.metadata().runner().id());
    }

    /**
     * PostgreSQL 18 copies with {@code file_copy_method = clone} (copy-on-write where the file system can), 15 to 17
     * with {@code STRATEGY FILE_COPY} (they have no {@code file_copy_method}: asking for a clone changes nothing),
     * 14 with the one way it has, a file copy without a {@code STRATEGY} clause.
     */
    @Test
    @OnEveryMajor
    void copiesTheFastestWayTheServersMajorVersionHas() throws SQLException {
        String parent = databases.create("clone", SHOP);

        try (Branch cloned = TemplateBranchProvider.create().create(request(parent));
             Branch copied = TemplateBranchProvider.builder().clone(false).build().create(request(parent))) {
            int major = serverVersion() / 10000;
            if (major >= 18) {
                assertThat(cloned.copyMethod()).isEqualTo("FILE_COPY (file_copy_method=clone)");
                assertThat(copied.copyMethod()).isEqualTo("FILE_COPY");
            } else if (major >= 15) {
                assertThat(cloned.copyMethod()).isEqualTo("FILE_COPY");
                assertThat(copied.copyMethod()).isEqualTo("FILE_COPY");
            } else {
                assertThat(cloned.copyMethod()).isEqualTo("file copy (PostgreSQL 14)");
                assertThat(copied.copyMethod()).isEqualTo("file copy (PostgreSQL 14)");
            }
            assertThat(major).isEqualTo(TestPostgres.sharedMajor());
            assertThat(postgres.describe(cloned.name())).isEqualTo(postgres.describe(parent));
            assertThat(postgres.describe(copied.name())).isEqualTo(postgres.describe(parent));
        }
    }

    @Test
    void closeDropsTheBranchAndMayBeCalledAgain() {
        String parent = databases.create("close", SHOP);
        Branch branch = TemplateBranchProvider.create().create(request(parent));
        assertThat(postgres.branchesOf(parent)).containsExactly(branch.name());

        branch.close();
        branch.close();

        assertThat(postgres.branchesOf(parent)).isEmpty();
        assertThat(postgres.databasesStartingWith(branch.name())).isEmpty();
        assertThat(postgres.databases()).contains(parent);
    }

    @Test
    void keepUntilKeepsTheBranchOnCloseAndRecordsTheNewExpiry() throws Exception {
        String parent = databases.create("keep", SHOP);
        Branch branch = TemplateBranchProvider.create().create(request(parent));
        databases.dropAfterwards(branch.name());
        Instant keepUntil = Instant.parse("2031-01-02T03:04:05Z");

        branch.keepUntil(keepUntil);
        branch.close();

        assertThat(branch.isKept()).isTrue();
        assertThat(postgres.branchesOf(parent)).containsExactly(branch.name());
        assertThat(branch.metadata().expires()).isEqualTo(keepUntil);
        JsonNode recorded = json.readTree(commentOf(branch.name())).path("branch");
        assertThat(Instant.parse(recorded.path("expires").asText())).isEqualTo(keepUntil);
        assertThat(recorded.path("parent").asText()).isEqualTo(parent);
        assertThat(postgres.describe(branch.name())).isEqualTo(postgres.describe(parent));
    }

    @Test
    void branchesAParentWhoseNameHasQuotesSpacesSemicolonsAndCapitals() {
        String parent = databases.createVerbatim("Shop \"Prod\"; DROP", SHOP);

        try (Branch branch = TemplateBranchProvider.create().create(request(parent))) {
            assertThat(branch.name()).startsWith("rehearsal_shop_prod_drop_").matches("[a-z0-9_T]+");
            assertThat(branch.metadata().parent()).isEqualTo(parent);
            assertThat(postgres.branchesOf(parent)).containsExactly(branch.name());
            assertThat(postgres.describe(branch.name())).isEqualTo(postgres.describe(parent));
        }
        assertThat(postgres.branchesOf(parent)).isEmpty();
        assertThat(postgres.databases()).contains(parent);
    }

    @Test
    void missingParentGivesABranchExceptionThatNamesIt() {
        String missing = "t_no_such_database_" + ProcessHandle.current().pid();
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("it_missing_").build();

        assertThatThrownBy(() -> provider.create(request(missing)))
                .isInstanceOf(BranchException.class)
                .hasMessageContaining("'" + missing + "' does not exist")
                .hasMessageContaining("check the database name")
                .satisfies(e -> assertThat(((BranchException) e).code()).isEqualTo(ErrorCode.BRANCH));
        assertThat(postgres.databasesStartingWith("it_missing_")).isEmpty();
    }

    @Test
    void refusesToBranchWhileAnotherSessionIsConnectedAndNeverTerminatesIt() throws SQLException {
        String parent = databases.create("in_use", SHOP);
        Connection application = databases.session(parent, "orders-service");
        int pid = application.unwrap(PGConnection.class).getBackendPID();
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("it_in_use_").build();

        assertThatThrownBy(() -> provider.create(request(parent)))
                .isInstanceOfSatisfying(TargetInUseException.class, e -> {
                    assertThat(e.getMessage()).contains("'" + parent + "'", "'orders-service'", "pid " + pid,
                            "never terminates", "Close them");
                    assertThat(e.sessions()).singleElement().satisfies(session -> {
                        assertThat(session.applicationName()).isEqualTo("orders-service");
                        assertThat(session.pid()).isEqualTo(pid);
                        assertThat(session.user()).isEqualTo("postgres");
                    });
                    assertThat(e.code()).isEqualTo(ErrorCode.BRANCH);
                });

        assertThat(postgres.databasesStartingWith("it_in_use_")).isEmpty();
        assertThat(postgres.branchesOf(parent)).isEmpty();
        assertThat(postgres.isConnected(pid)).isTrue();
        try (Statement statement = application.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM customers")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(500);
        }
    }

    @Test
    @OnEveryMajor
    void aBranchHasItsTargetsOwnerPrivilegesAndSettingsSoThatNoRoleTheTargetRefusesCanReadIt() throws SQLException {
        String password = "pw-" + ProcessHandle.current().pid();
        String app = databases.role("app", password);
        String reader = databases.loginRole("reader", password);
        String refused = databases.loginRole("refused", password);
        String target = databases.create("private", SHOP);
        postgres.execute(target, "GRANT SELECT ON customers TO PUBLIC"); // the database's CONNECT is the only gate
        postgres.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + app,
                "REVOKE CONNECT ON DATABASE " + target + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + target + " TO " + reader + " WITH GRANT OPTION",
                "ALTER DATABASE " + target + " SET search_path = \"$user\", public, \"we ird\", ''",
                "ALTER DATABASE " + target + " SET statement_timeout = 5000",
                "ALTER ROLE " + reader + " IN DATABASE " + target + " SET work_mem = '8MB'");
        DatabaseAccess.assertRefused(postgres, target, refused, password);

        try (Branch branch = TemplateBranchProvider.builder().prefix("it_private_").build().create(request(target))) {
            assertThat(DatabaseAccess.of(postgres, branch.name())).isEqualTo(DatabaseAccess.of(postgres, target))
                    .contains("owner " + app, "privileges explicit", "grant CONNECT with grant option to " + reader,
                            "setting of " + reader + ": work_mem=8MB",
                            "setting of every role: search_path=\"$user\", public, \"we ird\", \"\"");
            DatabaseAccess.assertRefused(postgres, branch.name(), refused, password);
            assertThat(DatabaseAccess.readAs(postgres, branch.name(), reader, password,
                    "SELECT count(*) FROM customers")).isEqualTo("500");
        }
    }

    @Test
    @OnEveryMajor
    void aNonSuperuserOwnerBranchesWithThePrivilegesAndIsToldWhichSettingsItMayNotCopyWithoutTheirValues() {
        String password = "pw-" + ProcessHandle.current().pid();
        String app = databases.loginRole("app", password);
        String reader = databases.role("reader", password);
        String target = databases.create("owned", SHOP);
        postgres.execute("postgres", "ALTER DATABASE " + target + " OWNER TO " + app,
                "REVOKE ALL ON DATABASE " + target + " FROM PUBLIC",
                "GRANT CONNECT ON DATABASE " + target + " TO " + reader,
                "ALTER DATABASE " + target + " SET statement_timeout = '2min'",
                // only a superuser may set these two
                "ALTER DATABASE " + target + " SET log_min_duration_statement = '17s'",
                "ALTER ROLE " + reader + " IN DATABASE " + target + " SET work_mem = '9MB'",
                "ALTER ROLE " + app + " IN DATABASE " + target + " SET work_mem = '7MB'");
        DatabaseLocation asOwner = DatabaseLocation.of(postgres.jdbcUrl(target), app, password);

        try (StandardErrorCapture log = StandardErrorCapture.start();
             Branch branch = TemplateBranchProvider.builder().prefix("it_owned_").build()
                     .create(new BranchRequest(asOwner, Duration.ofHours(2), "test"))) {
            String expected = Arrays.stream(DatabaseAccess.of(postgres, target).split("\n"))
                    .filter(line -> !line.contains("log_min_duration_statement") && !line.contains("9MB"))
                    .collect(Collectors.joining("\n"));
            assertThat(DatabaseAccess.of(postgres, branch.name())).isEqualTo(expected)
                    .contains("owner " + app, "grant CONNECT to " + reader + " by " + app,
                            "setting of " + app + ": work_mem=7MB", "statement_timeout=2min")
                    .doesNotContain("grant CONNECT to PUBLIC", "grant TEMPORARY to PUBLIC");
            assertThat(log.text()).contains("Branch " + branch.name() + " lacks settings of " + target,
                    "log_min_duration_statement (permission denied)",
                    "work_mem of role " + reader + " (permission denied)").doesNotContain("17s", "9MB");
        }
    }

    @Test
    void refusesATargetThatAllowsNoConnectionsBeforeCopyingIt() {
        String target = databases.create("closed", SHOP);
        postgres.execute("postgres", "ALTER DATABASE " + target + " ALLOW_CONNECTIONS false");
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("it_closed_").build();

        assertThatThrownBy(() -> provider.create(request(target))).isInstanceOf(BranchException.class)
                .hasMessageContaining("'" + target + "' allows no connections")
                .hasMessageContaining("ALLOW_CONNECTIONS true");
        assertThat(postgres.databasesStartingWith("it_closed_")).isEmpty();
    }

    private BranchRequest request(String parent) {
        return new BranchRequest(postgres.location(parent), Duration.ofHours(2), "test");
    }

    private String commentOf(String database) {
        return postgres.query("postgres", "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                + "WHERE datname = ?", database).get(0);
    }

    private int serverVersion() {
        return Integer.parseInt(postgres.query("postgres", "SHOW server_version_num").get(0));
    }
}
