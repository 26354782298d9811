package dev.rehearsal.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.testing.Await;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The branch server's Neon API driven by Rehearsal's own Neon client, {@link NeonBranchProvider}, and by raw HTTP
 * requests where the client hides what Neon answers: over a real store ({@link TemplateCopyStore}, each branch a
 * template copy of a database of the test PostgreSQL).
 */
class NeonCompatibleApiIT {
    private static final String KEY = "test-key-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger STORES = new AtomicInteger();

    private static TestPostgres postgres;
    private static String password;
    private static String role;
    private static String source;

    @TempDir
    Path dataDirectory;
    private TemplateCopyStore store;
    private NeonCompatibleApi api;

    @BeforeAll
    static void source() {
        postgres = TestPostgres.shared();
        password = "pw-" + UUID.randomUUID();
        role = postgres.createRole("branch_api", password);
        postgres.requirePassword(role);
        source = postgres.createDatabase("branch_api_source");
        postgres.execute(source, "CREATE TABLE item (id int PRIMARY KEY, label text)",
                "INSERT INTO item VALUES (1, 'first')",
                "ALTER TABLE item OWNER TO " + role);
    }

    @AfterAll
    static void dropSource() {
        postgres.dropDatabase(source);
        postgres.dropRole(role);
    }

    @BeforeEach
    void start() {
        store = new TemplateCopyStore(postgres, source, role,
                "t_api_" + ProcessHandle.current().pid() + "_" + STORES.incrementAndGet() + "_");
        api = start(builder -> builder);
    }

    @AfterEach
    void stop() {
        api.close();
        store.remove();
        postgres.execute(source, "UPDATE item SET label = 'first' WHERE id = 1");
    }

    private NeonCompatibleApi start(UnaryOperator<NeonCompatibleApi.Builder> settings) {
        return settings.apply(NeonCompatibleApi.builder(store, new BranchRecords(dataDirectory), KEY)).start();
    }

    private NeonCompatibleApi restart(UnaryOperator<NeonCompatibleApi.Builder> settings) {
        api.close();
        api = start(settings);
        return api;
    }

    private NeonBranchProvider.Builder client() {
        return NeonBranchProvider.builder().apiBaseUrl(api.baseUrl()).projectId("local").apiKey(KEY)
                .databaseName(source).roleName(role).retryBackoff(Duration.ofMillis(100));
    }

    private NeonBranchProvider provider() {
        return client().build();
    }

    private static DatabaseLocation target() {
        return postgres.location(source);
    }

    @Test
    void refusesRequestsWithoutTheRightKey() throws Exception {
        Response none = call("GET", "/projects/local/branches", null, null);
        Response wrong = call("GET", "/projects/local/branches", null, "not-" + KEY);
        Response status = call("GET", "/status", null, "");

        for (Response refused : List.of(none, wrong, status)) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().path("code").asText(null)).isEmpty();
            assertThat(refused.json().path("message").asText()).contains("API key").doesNotContain(KEY);
        }
        assertThat(call("GET", "/projects/local/branches", null, KEY).status()).isEqualTo(200);
        NeonBranchProvider wrongKey = client().apiKey("not-" + KEY).build();
        assertThatThrownBy(() -> wrongKey.listBranches(target())).hasMessageContaining("refused the API key")
                .hasMessageContaining("HTTP 401");
    }

    @Test
    void answersOtherProjectsAndRoutesNotFound() throws Exception {
        assertThat(call("GET", "/projects/elsewhere/branches", null, KEY).status()).isEqualTo(404);
        assertThat(call("GET", "/projects/elsewhere/branches", null, KEY).json().path("message").asText())
                .contains("'local'");
        assertThat(call("GET", "/projects/local/nothing", null, KEY).status()).isEqualTo(404);
        assertThat(call("GET", "/projects/local/branches/br-missing", null, KEY).status()).isEqualTo(404);
        assertThat(call("PUT", "/projects/local/branches", "{}", KEY).status()).isEqualTo(405);
    }

    @Test
    void refusesExpiriesBeyondThirtyDaysAsNeonDoes() throws Exception {
        String tooLate = Instant.now().plus(Duration.ofDays(31)).truncatedTo(ChronoUnit.SECONDS).toString();
        Response create = call("POST", "/projects/local/branches",
                "{\"branch\": {\"name\": \"late\", \"expires_at\": \"" + tooLate + "\"}}", KEY);
        Response past = call("POST", "/projects/local/branches",
                "{\"branch\": {\"name\": \"late\", \"expires_at\": \"2020-01-01T00:00:00Z\"}}", KEY);

        assertThat(create.status()).isEqualTo(400);
        assertThat(create.json().path("message").asText()).contains("at most 30 days");
        assertThat(past.status()).isEqualTo(400);
        NeonBranchProvider provider = provider();
        assertThatThrownBy(() -> provider.create(new BranchRequest(target(), Duration.ofDays(31), "rehearsal")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> provider.createBranch(target(), "late", Duration.ofDays(31)))
                .isInstanceOf(ConfigurationException.class);
        assertThat(branchIds()).containsExactly(BranchRecords.ROOT_ID);

        BranchInfo made = provider.createBranch(target(), "soon", Duration.ofHours(1));
        String id = idOf("rehearsal-soon");
        Response update = call("PATCH", "/projects/local/branches/" + id,
                "{\"branch\": {\"expires_at\": \"" + tooLate + "\"}}", KEY);
        assertThat(update.status()).isEqualTo(400);
        assertThatThrownBy(() -> provider.extendBranch(target(), "soon", Instant.now().plus(Duration.ofDays(31))))
                .isInstanceOf(ConfigurationException.class);
        assertThat(provider.listBranches(target())).extracting(BranchInfo::expires).containsExactly(made.expires());
    }

    @Test
    void makesRunBranchesThatAreCopiesOfTheSourceAndDeletesThemOnClose() throws Exception {
        NeonBranchProvider provider = provider();
        Branch branch = provider.create(new BranchRequest(target(), Duration.ofMinutes(10), "rehearsal"));

        assertThat(branch.name()).startsWith("rehearsal-run-");
        assertThat(branch.location().database()).isEqualTo(store.databases().get(0));
        assertThat(branch.location().user()).isEqualTo(role);
        assertThat(branch.location().hasPassword()).as("the server does not know the source's passwords").isFalse();
        assertThat(label(branch.location())).isEqualTo("first");
        assertThat(branch.metadata().parent()).isEqualTo(BranchRecords.ROOT_NAME);
        JsonNode record = branch(idOf(branch.name()));
        assertThat(Duration.between(Instant.parse(record.path("created_at").asText()),
                Instant.parse(record.path("expires_at").asText()))).isBetween(Duration.ofMinutes(9),
                Duration.ofMinutes(11));
        assertThat(record.path("ttl_interval_seconds").asLong()).isBetween(590L, 600L);

        branch.close();

        assertThat(store.databases()).isEmpty();
        assertThat(branchIds()).containsExactly(BranchRecords.ROOT_ID);
    }

    @Test
    void keepsARunBranchRenamedAndReapsOnlyIdleOrphans() throws Exception {
        NeonBranchProvider provider = provider();
        Branch kept = provider.create(new BranchRequest(target(), Duration.ofMinutes(10), "rehearsal"));
        Instant until = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        kept.keepUntil(until);
        kept.close();
        Branch orphan = provider.create(new BranchRequest(target(), Duration.ofMinutes(10), "rehearsal"));
        Branch busy = provider.create(new BranchRequest(target(), Duration.ofMinutes(10), "rehearsal"));

        assertThat(kept.name()).startsWith("rehearsal-kept-");
        assertThat(branch(idOf(kept.name())).path("expires_at").asText()).isEqualTo(until.toString());
        List<String> reaped;
        try (Connection session = connect(busy.location())) {
            reaped = provider.reapOrphans(target(), Instant.now());
        }

        assertThat(reaped).as("the kept branch is spared, the one in use left alone").containsExactly(orphan.name());
        assertThat(store.databases()).containsExactlyInAnyOrder(kept.location().database(),
                busy.location().database());
        busy.close();
    }

    @Test
    void managesNamedBranchesThroughTheirLifeAsNeonDoes() throws Exception {
        NeonBranchProvider provider = provider();
        BranchInfo created = provider.createBranch(target(), "alice", Duration.ofHours(1));

        assertThat(created.name()).isEqualTo("alice");
        assertThat(created.parent()).isEqualTo(BranchRecords.ROOT_NAME);
        assertThat(created.expires()).isBetween(Instant.now().plus(Duration.ofMinutes(59)),
                Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(provider.listBranches(target())).extracting(BranchInfo::name).containsExactly("alice");
        DatabaseLocation location = provider.branchLocation(target(), "alice");
        assertThat(label(location)).isEqualTo("first");
        assertThat(call("POST", "/projects/local/branches", "{\"branch\": {\"name\": \"rehearsal-alice\"}}", KEY)
                .status()).as("a name taken").isEqualTo(409);

        String id = idOf("rehearsal-alice");
        Instant createdAt = Instant.parse(branch(id).path("created_at").asText());
        execute(location, "UPDATE item SET label = 'changed on the branch'");
        // Neon's times are whole seconds: a reset in a later second than the creation shows the countdown restart
        await("a second to pass", () -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(createdAt));
        postgres.execute(source, "UPDATE item SET label = 'second' WHERE id = 1");
        BranchInfo reset = provider.resetBranch(target(), "alice");

        assertThat(label(location)).isEqualTo("second");
        JsonNode afterReset = branch(id);
        Instant resetAt = Instant.parse(afterReset.path("last_reset_at").asText());
        assertThat(reset.created()).isEqualTo(resetAt).isAfter(createdAt);
        assertThat(Instant.parse(afterReset.path("expires_at").asText()))
                .as("the expiry countdown starts again at the reset")
                .isEqualTo(resetAt.plusSeconds(afterReset.path("ttl_interval_seconds").asLong()));

        Instant later = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        BranchInfo extended = provider.extendBranch(target(), "alice", later);
        assertThat(extended.expires()).isEqualTo(later);
        assertThat(branch(id).path("ttl_interval_seconds").asLong()).isBetween(2 * 86_400L - 5, 2 * 86_400L);

        provider.deleteBranch(target(), "alice");

        assertThat(provider.listBranches(target())).isEmpty();
        assertThat(store.databases()).isEmpty();
        for (int time = 0; time < 2; time++) {
            Response again = call("DELETE", "/projects/local/branches/" + id, null, KEY);
            assertThat(again.status()).isEqualTo(204);
            assertThat(again.body()).isEmpty();
        }
    }

    @Test
    void refusesWhatTheMirrorCannotDo() throws Exception {
        provider().createBranch(target(), "bob", Duration.ofHours(1));
        String id = idOf("rehearsal-bob");

        Response deleteRoot = call("DELETE", "/projects/local/branches/" + BranchRecords.ROOT_ID, null, KEY);
        Response fromItself = call("POST", "/projects/local/branches/" + id + "/restore",
                "{\"source_branch_id\": \"" + id + "\"}", KEY);
        Response fromOther = call("POST", "/projects/local/branches/" + id + "/restore",
                "{\"source_branch_id\": \"br-elsewhere\"}", KEY);
        Response pointInTime = call("POST", "/projects/local/branches",
                "{\"branch\": {\"parent_lsn\": \"0/1000\"}}", KEY);
        Response ofABranch = call("POST", "/projects/local/branches",
                "{\"branch\": {\"parent_id\": \"" + id + "\"}}", KEY);

        assertThat(deleteRoot.status()).isEqualTo(422);
        assertThat(fromItself.status()).isEqualTo(400);
        assertThat(fromOther.status()).isEqualTo(400);
        assertThat(fromOther.json().path("message").asText()).contains("only from the mirror")
                .contains(BranchRecords.ROOT_ID);
        assertThat(pointInTime.status()).isEqualTo(400);
        assertThat(ofABranch.status()).isEqualTo(400);
        assertThat(branchIds()).containsExactlyInAnyOrder(BranchRecords.ROOT_ID, id);
    }

    @Test
    void namesAnUnnamedBranchByItsId() throws Exception {
        Response made = call("POST", "/projects/local/branches", "", KEY);

        assertThat(made.status()).isEqualTo(201);
        JsonNode branch = made.json().path("branch");
        assertThat(branch.path("id").asText()).matches("br-[a-z0-9]+");
        assertThat(branch.path("name").asText()).isEqualTo(branch.path("id").asText());
        assertThat(branch.path("parent_id").asText()).isEqualTo(BranchRecords.ROOT_ID);
        assertThat(made.json().path("operations").get(0).path("status").asText()).isEqualTo("finished");
        assertThat(made.json().has("connection_uris")).isFalse();
    }

    @Test
    void listsBranchesPageByPage() throws Exception {
        Set<String> made = new HashSet<>(Set.of(BranchRecords.ROOT_ID));
        for (int i = 0; i < 4; i++) {
            made.add(call("POST", "/projects/local/branches", "{\"branch\": {\"name\": \"page-" + i + "\"}}", KEY)
                    .json().path("branch").path("id").asText());
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        while (true) {
            Response page = call("GET", "/projects/local/branches?limit=2&sort_by=created_at&sort_order=asc"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null,
                    KEY);
            assertThat(page.status()).isEqualTo(200);
            JsonNode branches = page.json().path("branches");
            assertThat(branches.size()).isLessThanOrEqualTo(2);
            if (branches.isEmpty()) {
                break;
            }
            branches.forEach(b -> seen.add(b.path("id").asText()));
            cursor = page.json().path("pagination").path("next").asText();
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(made);
        NeonBranchProvider.Builder paged = client().prefix("page-");
        Method pageSize = NeonBranchProvider.Builder.class.getDeclaredMethod("branchPageSize", int.class);
        pageSize.setAccessible(true); // a setting for tests, package-private in the client
        pageSize.invoke(paged, 2);
        assertThat(paged.build().listBranches(target())).extracting(BranchInfo::name)
                .containsExactly("0", "1", "2", "3");
    }

    @Test
    void answersSlowOperationsRunningAndTheyArePolledToTheirEnd() throws Exception {
        store.delay(Duration.ofMillis(1500));
        restart(builder -> builder.answerWithin(Duration.ofMillis(100)));

        Response made = call("POST", "/projects/local/branches", "{\"branch\": {\"name\": \"slow\"}}", KEY);

        assertThat(made.status()).isEqualTo(201);
        JsonNode operation = made.json().path("operations").get(0);
        assertThat(operation.path("action").asText()).isEqualTo("create_branch");
        assertThat(operation.path("status").asText()).isIn("scheduling", "running");
        String id = made.json().path("branch").path("id").asText();
        assertThat(made.json().path("branch").path("current_state").asText()).isEqualTo("init");
        assertThat(endpointState(id)).isEqualTo("init");
        Response early = call("DELETE", "/projects/local/branches/" + id, null, KEY);
        assertThat(early.status()).isEqualTo(422);
        assertThat(early.json().path("message").asText()).contains("not ready");
        await("the create operation to finish", () -> "finished".equals(
                get("/projects/local/operations/" + operation.path("id").asText()).path("operation")
                        .path("status").asText()));
        assertThat(branch(id).path("current_state").asText()).isEqualTo("ready");
        assertThat(endpointState(id)).isEqualTo("idle");

        try (Branch branch = provider().create(new BranchRequest(target(), Duration.ofMinutes(10), "rehearsal"))) {
            assertThat(label(branch.location())).isEqualTo("first");
        }
        assertThat(store.databases()).containsExactly(store.database(id));
    }

    @Test
    void removesABranchWhoseCreationFailed() throws Exception {
        store.failNext(1);

        Response made = call("POST", "/projects/local/branches", "{\"branch\": {\"name\": \"doomed\"}}", KEY);

        assertThat(made.status()).isEqualTo(201);
        JsonNode operation = made.json().path("operations").get(0);
        assertThat(operation.path("status").asText()).isEqualTo("failed");
        assertThat(operation.path("error").asText()).contains("injected failure");
        assertThat(get("/projects/local/operations/" + operation.path("id").asText()).path("operation")
                .path("status").asText()).isEqualTo("failed");
        assertThat(call("GET", "/projects/local/branches/" + made.json().path("branch").path("id").asText(), null,
                KEY).status()).isEqualTo(404);

        store.failNext(1);
        NeonBranchProvider provider = provider();
        assertThatThrownBy(() -> provider.createBranch(target(), "doomed", Duration.ofHours(1)))
                .hasMessageContaining("failed").hasMessageContaining("injected failure");
        assertThat(branchIds()).containsExactly(BranchRecords.ROOT_ID);
        assertThat(store.databases()).isEmpty();
    }

    @Test
    void showsComputesActiveWhileSessionsAreOpenAndIdleAfter() throws Exception {
        provider().createBranch(target(), "carol", Duration.ofHours(1));
        String id = idOf("rehearsal-carol");
        DatabaseLocation location = provider().branchLocation(target(), "carol");

        assertThat(endpointState(id)).isEqualTo("idle");
        try (Connection session = connect(location)) {
            assertThat(endpointState(id)).isEqualTo("active");
        }
        await("the branch's compute to be idle", () -> "idle".equals(endpointState(id)));
        assertThat(endpointState(BranchRecords.ROOT_ID)).as("the mirror").isEqualTo("active");
    }

    @Test
    void deletesBranchesOnceTheyExpire() throws Exception {
        restart(builder -> builder.reaperInterval(Duration.ofMillis(200)));
        Instant soon = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        String expiring = call("POST", "/projects/local/branches",
                "{\"branch\": {\"name\": \"brief\", \"expires_at\": \"" + soon + "\"}}", KEY).json()
                .path("branch").path("id").asText();
        provider().createBranch(target(), "lasting", Duration.ofHours(1));

        assertThat(store.databases()).hasSize(2);
        await("the expired branch to be deleted",
                () -> call("GET", "/projects/local/branches/" + expiring, null, KEY).status() == 404);
        assertThat(Instant.now()).isAfterOrEqualTo(soon);
        assertThat(store.databases()).containsExactly(store.database(idOf("rehearsal-lasting")));
    }

    @Test
    void keepsItsBranchesAcrossARestart() throws Exception {
        NeonBranchProvider before = provider();
        before.createBranch(target(), "kept", Duration.ofHours(1));
        before.createBranch(target(), "lost", Duration.ofHours(1));
        String lost = idOf("rehearsal-lost");
        api.close();
        postgres.dropDatabase(store.database(lost));
        Path file = dataDirectory.resolve(BranchRecords.FILE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).contains("rehearsal-kept").doesNotContain(KEY).doesNotContain(password);

        api = start(builder -> builder);

        assertThat(store.starts()).isEqualTo(2);
        NeonBranchProvider after = provider();
        assertThat(after.listBranches(target())).extracting(BranchInfo::name)
                .as("the branch whose copy is gone is dropped").containsExactly("kept");
        assertThat(label(after.branchLocation(target(), "kept"))).isEqualTo("first");
        assertThat(Files.readString(file)).doesNotContain("rehearsal-lost");
    }

    @Test
    void reportsTheStoresStatus() throws Exception {
        provider().createBranch(target(), "dave", Duration.ofHours(1));

        JsonNode status = get("/status");

        assertThat(status.path("mode").asText()).isEqualTo("logical");
        assertThat(status.path("copy_method").asText()).isEqualTo(store.copyMethod());
        assertThat(status.path("copy_on_write").asBoolean(true)).isFalse();
        assertThat(status.path("source_major").asInt()).isEqualTo(postgres.major());
        assertThat(status.path("mirror_refreshed_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(status.path("mirror_age_seconds").asLong()).isEqualTo(42);
        assertThat(status.has("replay_lag_bytes")).isTrue();
        assertThat(status.path("replay_lag_bytes").isNull()).isTrue();
        assertThat(status.path("disk_free_bytes").asLong()).isEqualTo(2000);
        assertThat(status.path("branches").asInt()).isEqualTo(1);
        assertThat(status.path("uptime_seconds").asLong()).isNotNegative();
        assertThat(status.path("project_id").asText()).isEqualTo("local");
    }

    // ---- helpers

    /** A condition that asks the API. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws InterruptedException {
        Await.until(what, () -> {
            try {
                return condition.holds();
            } catch (Exception e) {
                throw new IllegalStateException("Could not check whether " + what + ": " + e.getMessage(), e);
            }
        });
    }

    private record Response(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Response call(String method, String path, String body, String key) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        Response response = call("GET", path, null, KEY);
        assertThat(response.status()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response.json();
    }

    private JsonNode branch(String id) throws IOException, InterruptedException {
        return get("/projects/local/branches/" + id).path("branch");
    }

    private List<String> branchIds() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        get("/projects/local/branches").path("branches").forEach(b -> ids.add(b.path("id").asText()));
        return ids;
    }

    private String idOf(String name) throws IOException, InterruptedException {
        for (JsonNode branch : get("/projects/local/branches").path("branches")) {
            if (branch.path("name").asText().equals(name)) {
                return branch.path("id").asText();
            }
        }
        throw new AssertionError("No branch named " + name);
    }

    private String endpointState(String id) throws IOException, InterruptedException {
        for (JsonNode endpoint : get("/projects/local/endpoints").path("endpoints")) {
            if (endpoint.path("branch_id").asText().equals(id)) {
                assertThat(endpoint.path("type").asText()).isEqualTo("read_write");
                return endpoint.path("current_state").asText();
            }
        }
        throw new AssertionError("No endpoint of branch " + id);
    }

    /** A session as the branch's role with the password it has on the source: the URI the server gave has none. */
    private static Connection connect(DatabaseLocation location) throws SQLException {
        return DatabaseLocation.of(location.redactedUrl(), location.user(), password).dataSource("test")
                .getConnection();
    }

    private static String label(DatabaseLocation location) throws SQLException {
        try (Connection connection = connect(location); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT label FROM item WHERE id = 1")) {
            row.next();
            return row.getString(1);
        }
    }

    private static void execute(DatabaseLocation location, String sql) throws SQLException {
        try (Connection connection = connect(location); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
