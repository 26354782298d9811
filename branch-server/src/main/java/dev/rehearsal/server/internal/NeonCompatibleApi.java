package dev.rehearsal.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rehearsal.server.MirrorStatus;
import dev.rehearsal.server.internal.BranchOperations.Operation;
import dev.rehearsal.server.internal.BranchRecords.BranchRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the Neon API (v2) that Rehearsal's {@code NeonBranchProvider} speaks, served over HTTP by the branch
 * server, with Neon's paths, bodies, status codes and operation states: the provider works against it unchanged,
 * given its base URL ({@link #baseUrl()}), the project id ({@value #DEFAULT_PROJECT} by default) and the API key.
 *
 * <p>The project has one root branch, {@code main} ({@link BranchRecords#ROOT_ID}), its default branch, which stands
 * for the mirror of the source; every other branch is a copy of the mirror made by the {@link BranchStore}. Routes,
 * under {@code /api/v2}:
 * <ul>
 *   <li>{@code GET /projects/{p}/branches} (pages: {@code limit}, {@code cursor} from {@code pagination.next},
 *       {@code sort_by} of {@code created_at}, {@code updated_at}, {@code name}, {@code sort_order}),
 *       {@code POST} (a branch of the root; a name taken is 409);</li>
 *   <li>{@code GET}, {@code PATCH} ({@code name}, {@code expires_at}), {@code DELETE /projects/{p}/branches/{id}}
 *       (a branch already gone is 204 without a body; the root is 422);</li>
 *   <li>{@code POST /projects/{p}/branches/{id}/restore} from {@code source_branch_id} = the root: Branch Reset, a
 *       fresh copy of the mirror, which starts the expiry countdown again ({@code ttl_interval_seconds});</li>
 *   <li>{@code GET /projects/{p}/operations/{id}}, {@code GET /projects/{p}/endpoints} (one read-write compute a
 *       branch: {@code init} while it is made, then {@code active} while someone has a session on it, else
 *       {@code idle}), {@code GET /projects/{p}/connection_uri};</li>
 *   <li>{@code GET /status}, the server's own: the store's {@link MirrorStatus}, the number of branches, the
 *       uptime.</li>
 * </ul>
 *
 * <p>An {@code expires_at} must be in the future and at most 30 days ahead (else 400), as on Neon; a reaper deletes
 * branches whose {@code expires_at} has passed. Creating, resetting and deleting a branch are operations that run on
 * worker threads: the request is answered when its operation has ended, or after {@link Builder#answerWithin} (5 s),
 * with the operation {@code running}, which the client then polls. A branch has at most one operation at a time;
 * another request that needs one meanwhile is answered 422 "not ready", which Neon's clients retry.
 *
 * <p>Connection URIs carry no password ({@code postgresql://role@host:port/database}): branches keep the source's
 * roles and passwords, which the server does not know. Every request must carry {@code Authorization: Bearer <key>};
 * the key is compared in constant time and never logged.
 *
 * <pre>{@code
 * try (NeonCompatibleApi api = NeonCompatibleApi.builder(store, new BranchRecords(dataDirectory), apiKey)
 *         .bind("0.0.0.0", 8080).advertisedHost("branches.example.com").start()) {
 *     // NeonBranchProvider.builder().apiBaseUrl(api.baseUrl()).projectId("local").apiKey(apiKey)...
 * }
 * }</pre>
 *
 * <p>The store is called from several worker threads at once, never for one branch from two at a time; closing the
 * API closes the store.
 */
public final class NeonCompatibleApi implements AutoCloseable {
    /** The project id served unless told otherwise. */
    static final String DEFAULT_PROJECT = "local";
    /** Neon's limit of an {@code expires_at} ahead of now. */
    static final Duration EXPIRY_LIMIT = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(NeonCompatibleApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTEXT = "/api/v2";
    private static final int MAX_BODY = 1 << 20;

    private final BranchStore store;
    private final BranchRecords records;
    private final byte[] expectedAuthorization;
    private final String projectId;
    private final String advertisedHost;
    private final Duration answerWithin;
    private final Instant startedAt = Instant.now();
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final BranchOperations operations;
    private final ScheduledExecutorService reaper;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Held while checking a branch and starting an operation on it, and while giving a branch a name (unique), so
     * that two requests do not both pass the check.
     */
    private final Object lock = new Object();

    private record Answer(int status, Object body) {
        static Answer ok(Object body) {
            return new Answer(200, body);
        }

        /** Neon's error body: {@code {"code": "", "message": ...}}. */
        static Answer error(int status, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("code", "");
            body.put("message", message);
            return new Answer(status, body);
        }
    }

    private NeonCompatibleApi(Builder builder) {
        this.store = builder.store;
        this.records = builder.records;
        this.expectedAuthorization = sha256("Bearer " + builder.apiKey);
        this.projectId = builder.projectId;
        this.advertisedHost = builder.advertisedHost;
        this.answerWithin = builder.answerWithin;
        recover();
        try {
            server = HttpServer.create(new InetSocketAddress(builder.host, builder.port), 50);
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("The branch server cannot listen on " + builder.host + ":" + builder.port
                    + " (" + e.getMessage() + "): choose another port, or stop what listens there", e);
        }
        requestThreads = Executors.newFixedThreadPool(builder.requestThreads, threads("rehearsal-api"));
        operations = new BranchOperations(builder.workers);
        reaper = Executors.newSingleThreadScheduledExecutor(threads("rehearsal-branch-reaper"));
        server.createContext(CONTEXT, this::handle);
        server.setExecutor(requestThreads);
        server.start();
        long interval = builder.reaperInterval.toMillis();
        reaper.scheduleWithFixedDelay(this::reapExpired, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info("Branch server API listening on {} (project {}, {} branches, copies by {})", baseUrl(), projectId,
                records.branches().size(), store.copyMethod());
    }

    /**
     * An API over {@code store} and {@code records} for clients with {@code apiKey}; {@link Builder#start()} starts
     * the store and serves.
     */
    public static Builder builder(BranchStore store, BranchRecords records, String apiKey) {
        return new Builder(store, records, apiKey);
    }

    /** The port the API listens on (the one chosen when it was asked to listen on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The base URL to give {@code NeonBranchProvider.builder().apiBaseUrl(...)}: on the advertised host, else on the
     * address it listens on.
     */
    public String baseUrl() {
        String host = advertisedHost != null ? advertisedHost : server.getAddress().getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "localhost";
        }
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + CONTEXT;
    }

    /**
     * Hands the store the recorded branches and forgets those it did not bring back: a branch whose copy was still
     * being made when the server stopped, or whose copy is gone.
     */
    private void recover() {
        List<StoredBranch> recorded = new ArrayList<>();
        for (BranchRecord record : records.branches()) {
            if (record.stored() == null) {
                records.remove(record.id());
                LOG.warn("Dropped branch {} ({}): its copy was still being made when the server stopped",
                        record.name(), record.id());
            } else {
                recorded.add(record.stored());
            }
        }
        Map<String, StoredBranch> alive = new HashMap<>();
        store.start(recorded).forEach(branch -> alive.put(branch.id(), branch));
        for (BranchRecord record : records.branches()) {
            StoredBranch stored = alive.get(record.stored().id());
            if (stored == null) {
                records.remove(record.id());
                LOG.warn("Dropped branch {} ({}): the store no longer has its copy", record.name(), record.id());
            } else if (!stored.equals(record.stored())) {
                records.update(record.id(), r -> r.withStored(stored));
            }
        }
    }

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath().substring(CONTEXT.length());
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            Answer answer;
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer = Answer.error(401, "authentication required: give the branch server's API key as "
                        + "'Authorization: Bearer <key>'");
            } else if (body.length > MAX_BODY) {
                answer = Answer.error(413, "the request body is larger than " + MAX_BODY + " bytes");
            } else {
                answer = answer(method, path, exchange.getRequestURI().getRawQuery(), body);
            }
            send(exchange, answer);
            LOG.debug("{} {} -> {}", method, path, answer.status());
        } catch (IOException e) {
            LOG.debug("Could not answer {} {}: {}", method, path, e.getMessage());
        }
    }

    /** Compares digests of the header and of the expected one, so that neither content nor length shows in time. */
    private boolean authorized(String authorization) {
        return authorization != null && MessageDigest.isEqual(expectedAuthorization, sha256(authorization));
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(answer.body());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Answer answer(String method, String path, String query, byte[] body) {
        try {
            if (!path.isEmpty() && !path.startsWith("/")) {
                return notFound("route");
            }
            String[] parts = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
            if (parts.length == 1 && parts[0].equals("status")) {
                return method.equals("GET") ? Answer.ok(status()) : notAllowed();
            }
            if (parts.length < 3 || !parts[0].equals("projects")) {
                return notFound("route");
            }
            if (!projectId.equals(decode(parts[1]))) {
                return Answer.error(404, "project '" + decode(parts[1]) + "' not found: this branch server serves "
                        + "the project '" + projectId + "'");
            }
            JsonNode json;
            try {
                json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return Answer.error(400, "the request body is not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                return Answer.error(400, "the request body cannot be read: " + e.getMessage());
            }
            Map<String, String> parameters = parameters(query);
            String what = parts[2];
            if (parts.length == 3) {
                return switch (what) {
                    case "branches" -> switch (method) {
                        case "GET" -> list(parameters);
                        case "POST" -> create(json);
                        default -> notAllowed();
                    };
                    case "endpoints" -> method.equals("GET") ? endpoints() : notAllowed();
                    case "connection_uri" -> method.equals("GET") ? connectionUri(parameters) : notAllowed();
                    default -> notFound("route");
                };
            }
            String id = decode(parts[3]);
            if (parts.length == 4 && what.equals("operations")) {
                return method.equals("GET") ? operation(id) : notAllowed();
            }
            if (parts.length == 4 && what.equals("branches")) {
                return switch (method) {
                    case "GET" -> records.get(id).map(b -> Answer.ok(Map.of("branch", json(b))))
                            .orElse(notFound("branch"));
                    case "PATCH" -> update(id, json.path("branch"));
                    case "DELETE" -> delete(id);
                    default -> notAllowed();
                };
            }
            if (parts.length == 5 && what.equals("branches") && parts[4].equals("restore")) {
                return method.equals("POST") ? restore(id, json) : notAllowed();
            }
            return notFound("route");
        } catch (RuntimeException e) {
            LOG.warn("The branch server failed to answer {} {}", method, path, e);
            return Answer.error(500, "the branch server failed: " + e.getMessage());
        }
    }

    private static Answer notFound(String what) {
        return Answer.error(404, what + " not found");
    }

    private static Answer notAllowed() {
        return Answer.error(405, "method not allowed");
    }

    // ---- branches

    private Answer create(JsonNode request) {
        JsonNode spec = request.path("branch");
        if (spec.has("parent_timestamp") || spec.has("parent_lsn")) {
            return Answer.error(400, "branching from a point in time is not available on the branch server: a "
                    + "branch is a copy of the mirror as it is now. Leave out parent_timestamp and parent_lsn");
        }
        if (spec.hasNonNull("parent_id") && !BranchRecords.ROOT_ID.equals(spec.path("parent_id").asText())) {
            String parent = spec.path("parent_id").asText();
            return records.get(parent).isEmpty() ? notFound("parent branch")
                    : Answer.error(400, "branches of branches are not available on the branch server: give the "
                    + "default branch " + BranchRecords.ROOT_ID + " (" + BranchRecords.ROOT_NAME + ", the mirror) "
                    + "as parent_id, or leave it out");
        }
        if (spec.has("name") && (!spec.path("name").isTextual() || spec.path("name").asText().isBlank())) {
            return Answer.error(400, "the branch name must be a non-blank string");
        }
        Instant expires = null;
        if (spec.hasNonNull("expires_at")) {
            expires = expiry(spec.path("expires_at").asText());
            if (expires == null) {
                return badExpiry(spec.path("expires_at").asText());
            }
        }
        Operation operation;
        BranchRecord branch;
        synchronized (lock) {
            Instant now = Instant.now();
            BranchRecord fresh = records.newRecord("(unnamed)", expires, now);
            String name = spec.hasNonNull("name") ? spec.path("name").asText() : fresh.id();
            if (records.named(name).isPresent()) {
                return Answer.error(409, "branch with name '" + name + "' already exists: choose another name, or "
                        + "delete that branch first");
            }
            branch = records.add(fresh.withName(name, now));
            String id = branch.id();
            operation = operations.start(id, "create_branch", () -> {
                StoredBranch stored;
                try {
                    stored = store.create(id);
                } catch (RuntimeException e) {
                    records.remove(id);
                    throw e;
                }
                try {
                    if (records.update(id, r -> r.withStored(stored)).isEmpty()) {
                        throw new IllegalStateException("branch " + id + " was forgotten while it was made");
                    }
                } catch (RuntimeException e) {
                    records.remove(id);
                    deleteQuietly(stored, e);
                    throw e;
                }
            });
        }
        operation.awaitAtMost(answerWithin);
        BranchRecord now = records.get(branch.id()).orElse(branch);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("branch", json(now));
        answer.put("endpoints", List.of(endpoint(now)));
        answer.put("operations", List.of(operation.json(projectId)));
        return new Answer(201, answer);
    }

    private Answer update(String id, JsonNode spec) {
        Instant expires = null;
        if (spec.hasNonNull("expires_at")) {
            expires = expiry(spec.path("expires_at").asText());
            if (expires == null) {
                return badExpiry(spec.path("expires_at").asText());
            }
        }
        if (spec.has("name") && (!spec.path("name").isTextual() || spec.path("name").asText().isBlank())) {
            return Answer.error(400, "the branch name must be a non-blank string");
        }
        Instant newExpiry = expires;
        synchronized (lock) {
            Optional<BranchRecord> branch = records.get(id);
            if (branch.isEmpty()) {
                return notFound("branch");
            }
            if (branch.get().isRoot()) {
                return Answer.error(422, "the default branch " + BranchRecords.ROOT_NAME + " is the mirror of the "
                        + "source: it cannot be renamed or given an expiry");
            }
            String name = spec.has("name") ? spec.path("name").asText() : null;
            if (name != null && records.named(name).filter(other -> !other.id().equals(id)).isPresent()) {
                return Answer.error(409, "branch with name '" + name + "' already exists: choose another name");
            }
            Instant now = Instant.now();
            Optional<BranchRecord> updated = records.update(id, r -> {
                BranchRecord changed = r.withName(name == null ? r.name() : name, now);
                return spec.has("expires_at") ? changed.withExpiry(newExpiry, now) : changed;
            });
            return updated.map(b -> Answer.ok(Map.of("branch", json(b), "operations", List.of())))
                    .orElse(notFound("branch"));
        }
    }

    private Answer delete(String id) {
        Operation operation;
        BranchRecord branch;
        synchronized (lock) {
            Optional<BranchRecord> found = records.get(id);
            if (found.isEmpty()) {
                // Neon: "Returned if the branch doesn't exist or has already been deleted"
                return new Answer(204, null);
            }
            branch = found.get();
            if (branch.isRoot()) {
                return Answer.error(422, "cannot delete the project's default branch: " + BranchRecords.ROOT_NAME
                        + " is the mirror of the source");
            }
            Answer notReady = notReady(branch);
            if (notReady != null) {
                return notReady;
            }
            operation = startDelete(branch);
        }
        operation.awaitAtMost(answerWithin);
        return Answer.ok(Map.of("branch", json(branch), "operations", List.of(operation.json(projectId))));
    }

    /** Deletes the branch's copy, then its record. Under {@link #lock}, the branch having no operation. */
    private Operation startDelete(BranchRecord branch) {
        return operations.start(branch.id(), "delete_timeline", () -> {
            StoredBranch stored = records.get(branch.id()).map(BranchRecord::stored).orElse(null);
            if (stored != null) {
                store.delete(stored);
            }
            records.remove(branch.id());
        });
    }

    private Answer restore(String id, JsonNode request) {
        if (request.has("source_timestamp") || request.has("source_lsn")) {
            return Answer.error(400, "restoring to a point in time is not available on the branch server: a branch "
                    + "is reset to the mirror as it is now. Leave out source_timestamp and source_lsn");
        }
        String source = request.path("source_branch_id").asText("");
        Operation operation;
        BranchRecord branch;
        synchronized (lock) {
            Optional<BranchRecord> found = records.get(id);
            if (found.isEmpty()) {
                return notFound("branch");
            }
            branch = found.get();
            if (branch.isRoot()) {
                return Answer.error(400, "the default branch " + BranchRecords.ROOT_NAME + " is the mirror of the "
                        + "source, which follows the source by itself: it cannot be restored");
            }
            if (source.equals(id)) {
                return Answer.error(400, "source_timestamp or source_lsn is required to restore a branch from "
                        + "itself, and the branch server has no history: restore from " + BranchRecords.ROOT_ID);
            }
            if (!source.equals(BranchRecords.ROOT_ID)) {
                return Answer.error(400, "source_branch_id '" + source + "' is not available: the branch server "
                        + "resets a branch only from the mirror, its default branch " + BranchRecords.ROOT_ID + " ("
                        + BranchRecords.ROOT_NAME + "). Give source_branch_id " + BranchRecords.ROOT_ID);
            }
            Answer notReady = notReady(branch);
            if (notReady != null) {
                return notReady;
            }
            operation = operations.start(id, "create_timeline", () -> {
                BranchRecord current = records.get(id).orElseThrow(() -> new IllegalStateException("branch " + id
                        + " was deleted before its reset"));
                StoredBranch fresh = store.reset(current.stored());
                records.update(id, r -> r.reset(fresh, Instant.now()));
            });
        }
        operation.awaitAtMost(answerWithin);
        BranchRecord now = records.get(id).orElse(branch);
        return Answer.ok(Map.of("branch", json(now), "operations", List.of(operation.json(projectId))));
    }

    /**
     * Neon's answer to a change of a branch that still has an operation in progress: a 422 whose message says
     * "not ready", which Neon's clients retry. Null when the branch is ready. Under {@link #lock}.
     */
    private Answer notReady(BranchRecord branch) {
        return operations.inProgress(branch.id()).map(running -> Answer.error(422, "branch " + branch.id()
                + " is not ready: its operation " + running.action() + " (" + running.id() + ") is in progress. "
                + "Try again when it has ended")).orElse(null);
    }

    /** A page of branches, the root included ({@link BranchPages}). */
    private Answer list(Map<String, String> query) {
        List<BranchRecord> all = new ArrayList<>();
        all.add(records.root());
        all.addAll(records.branches());
        BranchPages.Page page;
        try {
            page = BranchPages.page(all, query);
        } catch (IllegalArgumentException e) {
            return Answer.error(400, e.getMessage());
        }
        return Answer.ok(Map.of("branches", page.branches().stream().map(this::json).toList(), "pagination",
                page.pagination()));
    }

    private Map<String, Object> json(BranchRecord branch) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", branch.id());
        json.put("project_id", projectId);
        if (!branch.isRoot()) {
            json.put("parent_id", branch.parentId());
        }
        json.put("name", branch.name());
        json.put("current_state", branch.isReady() ? "ready" : "init");
        if (!branch.isReady()) {
            json.put("pending_state", "ready");
        }
        json.put("default", branch.isRoot());
        json.put("primary", branch.isRoot());
        json.put("protected", false);
        json.put("created_at", time(branch.createdAt()));
        json.put("updated_at", time(branch.updatedAt()));
        if (branch.expiresAt() != null) {
            json.put("expires_at", time(branch.expiresAt()));
        }
        if (branch.ttlSeconds() != null) {
            json.put("ttl_interval_seconds", branch.ttlSeconds());
        }
        if (branch.lastResetAt() != null) {
            json.put("last_reset_at", time(branch.lastResetAt()));
        }
        if (!branch.isRoot()) {
            // not Neon's: what Rehearsal's Neon provider reports about a branch of this server, and whether
            // statements that reach a whole server stay within the branch
            json.put("rehearsal", Map.of("copy_method", store.copyMethod(), "own_server",
                    store.ownServerPerBranch()));
        }
        return json;
    }

    // ---- endpoints and connection URIs

    private Answer endpoints() {
        List<Map<String, Object>> endpoints = new ArrayList<>();
        endpoints.add(endpoint(records.root()));
        records.branches().forEach(branch -> endpoints.add(endpoint(branch)));
        return Answer.ok(Map.of("endpoints", endpoints));
    }

    /**
     * The branch's read-write compute: {@code init} until the branch is made, then {@code active} while someone has
     * a session on it and {@code idle} when no one has, as on Neon with a suspend timeout of zero. The root's, the
     * mirror, is always {@code active}; a branch whose use cannot be told counts as {@code active}, so that no
     * client takes it for abandoned.
     */
    private Map<String, Object> endpoint(BranchRecord branch) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", "ep-" + branch.id().substring(3));
        json.put("host", host(branch.stored()));
        json.put("project_id", projectId);
        json.put("branch_id", branch.id());
        json.put("type", "read_write");
        if (!branch.isReady()) {
            json.put("current_state", "init");
            json.put("pending_state", "active");
            return json;
        }
        String state = "active";
        if (!branch.isRoot()) {
            try {
                state = store.inUse(branch.stored()) ? "active" : "idle";
            } catch (RuntimeException e) {
                LOG.warn("Cannot tell whether branch {} ({}) is in use: {}", branch.name(), branch.id(),
                        e.getMessage());
            }
        }
        json.put("current_state", state);
        return json;
    }

    private String host(StoredBranch stored) {
        if (advertisedHost != null) {
            return advertisedHost;
        }
        return stored == null ? server.getAddress().getHostString() : stored.host();
    }

    /**
     * {@code postgresql://<role>@<host>:<port>/<database>}, without password: a branch made by a physical store
     * has every database and role of the source, so the ones asked for; a branch of a logical store has one
     * database, connected to as its store says.
     */
    private Answer connectionUri(Map<String, String> parameters) {
        String database = parameters.get("database_name");
        String role = parameters.get("role_name");
        if (database == null || database.isBlank() || role == null || role.isBlank()) {
            return Answer.error(400, "database_name and role_name are required");
        }
        Optional<BranchRecord> found = records.get(parameters.getOrDefault("branch_id", BranchRecords.ROOT_ID));
        if (found.isEmpty()) {
            return notFound("branch");
        }
        BranchRecord branch = found.get();
        if (branch.isRoot()) {
            return Answer.error(422, "the default branch " + BranchRecords.ROOT_NAME + " is the branch server's "
                    + "mirror of the source, which takes no connections of clients: connect to the source itself");
        }
        if (!branch.isReady()) {
            return Answer.error(422, "branch " + branch.id() + " is not ready: it is still being made");
        }
        StoredBranch stored = branch.stored();
        String user = stored.role() != null ? stored.role() : role;
        String name = stored.database() != null ? stored.database() : database;
        String host = host(stored);
        return Answer.ok(Map.of("uri", "postgresql://" + uriEncode(user) + "@" + (host.contains(":") ? "[" + host
                + "]" : host) + ":" + stored.port() + "/" + uriEncode(name)));
    }

    /** Percent-encoding for a URI's user and path: a space is {@code %20} (a {@code +} would stay a plus). */
    private static String uriEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- operations

    private Answer operation(String id) {
        return operations.get(id).map(o -> Answer.ok(Map.of("operation", o.json(projectId))))
                .orElse(notFound("operation"));
    }

    private void deleteQuietly(StoredBranch stored, RuntimeException primary) {
        try {
            store.delete(stored);
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    // ---- expiry

    /** Deletes the branches whose {@code expires_at} has passed, as Neon does, whether in use or not. */
    private void reapExpired() {
        try {
            Instant now = Instant.now();
            for (BranchRecord branch : records.branches()) {
                if (branch.expiresAt() == null || branch.expiresAt().isAfter(now) || !branch.isReady()) {
                    continue;
                }
                synchronized (lock) {
                    if (operations.inProgress(branch.id()).isPresent() || records.get(branch.id()).isEmpty()) {
                        continue;
                    }
                    LOG.info("Deleting branch {} ({}): it expired at {}", branch.name(), branch.id(),
                            branch.expiresAt());
                    startDelete(branch);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not reap the expired branches", e);
        }
    }

    /** The time an {@code expires_at} gives when Neon accepts it: RFC 3339, in the future, at most 30 days ahead. */
    private static Instant expiry(String text) {
        Instant expires;
        try {
            expires = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
        Instant now = Instant.now();
        return expires.isAfter(now) && !expires.isAfter(now.plus(EXPIRY_LIMIT)) ? expires : null;
    }

    private static Answer badExpiry(String text) {
        return Answer.error(400, "expires_at '" + text + "' is invalid: it must be an RFC 3339 timestamp in the "
                + "future, at most 30 days from now");
    }

    // ---- status

    /** The store's status, field by field, with the number of branches and the server's uptime. */
    private Map<String, Object> status() {
        MirrorStatus status = store.status();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("project_id", projectId);
        json.put("mode", status.mode());
        json.put("copy_method", status.copyMethod());
        json.put("copy_on_write", status.copyOnWrite());
        json.put("source_major", status.sourceMajor());
        json.put("mirror_lsn", status.mirrorLsn());
        json.put("replay_lag_bytes", status.replayLagBytes());
        json.put("replay_lag_seconds", status.replayLagSeconds());
        json.put("slot_name", status.slotName());
        json.put("slot_retained_bytes", status.slotRetainedBytes());
        json.put("slot_wal_status", status.slotWalStatus());
        json.put("mirror_refreshed_at", status.mirrorRefreshedAt() == null ? null
                : time(status.mirrorRefreshedAt()));
        json.put("mirror_age_seconds", status.mirrorAgeSeconds());
        json.put("refreshing", status.refreshing());
        json.put("last_refresh_error", status.lastRefreshError());
        json.put("data_directory", status.dataDirectory());
        json.put("disk_used_bytes", status.diskUsedBytes());
        json.put("disk_free_bytes", status.diskFreeBytes());
        json.put("branches", records.branches().size());
        json.put("operations_in_progress", operations.inProgress());
        json.put("started_at", time(startedAt));
        json.put("uptime_seconds", Duration.between(startedAt, Instant.now()).toSeconds());
        return json;
    }

    // ---- helpers

    /** A time as Neon shows it: RFC 3339 at whole seconds, {@code 2026-11-24T01:02:03Z}. */
    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java has no SHA-256", e);
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Stops serving and reaping, waits (up to a minute) for the operations in progress to end, and closes the store,
     * which keeps its files: the next start carries on with the same records.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        reaper.shutdownNow();
        server.stop(0);
        requestThreads.shutdownNow();
        operations.close();
        store.close();
        LOG.info("Branch server API on port {} stopped", port());
    }

    @Override
    public String toString() {
        return "NeonCompatibleApi[" + baseUrl() + ", project " + projectId + "]";
    }

    /** Configures a {@link NeonCompatibleApi}; every setter checks its argument at once. */
    public static final class Builder {
        private final BranchStore store;
        private final BranchRecords records;
        private final String apiKey;
        private String host = "localhost";
        private int port;
        private String projectId = DEFAULT_PROJECT;
        private String advertisedHost;
        private Duration reaperInterval = Duration.ofSeconds(5);
        private Duration answerWithin = Duration.ofSeconds(5);
        private int workers = 4;
        private int requestThreads = 8;

        private Builder(BranchStore store, BranchRecords records, String apiKey) {
            this.store = Objects.requireNonNull(store, "store");
            this.records = Objects.requireNonNull(records, "records");
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("The branch server's API key is blank: give it a key that "
                        + "clients then pass as NeonBranchProvider.builder().apiKey(...)");
            }
            this.apiKey = apiKey;
        }

        /** The address and port to listen on; port 0 takes any free one ({@link #port()}). Default localhost:0. */
        public Builder bind(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Port " + port + " is not a TCP port: give 1 to 65535, or 0 for "
                        + "any free one");
            }
            this.host = host;
            this.port = port;
            return this;
        }

        /**
         * The project id clients give ({@code ^[a-z0-9-]{1,60}$}, as Neon's). Default
         * {@value NeonCompatibleApi#DEFAULT_PROJECT}.
         */
        public Builder projectId(String projectId) {
            Objects.requireNonNull(projectId, "projectId");
            if (!projectId.matches("[a-z0-9-]{1,60}")) {
                throw new IllegalArgumentException("Project id '" + projectId + "' is not one Neon's clients "
                        + "accept: use 1 to 60 lower-case letters, digits and '-', e.g. 'local'");
            }
            this.projectId = projectId;
            return this;
        }

        /** The host name clients reach the branches at, in connection URIs. Default: the store's host of each. */
        public Builder advertisedHost(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank() || host.contains("/") || host.contains("@")) {
                throw new IllegalArgumentException("'" + host + "' is not a host name: give the name or address "
                        + "clients reach this machine at, e.g. 'branches.example.com'");
            }
            this.advertisedHost = host;
            return this;
        }

        /** How often expired branches are looked for. Default 5 s. */
        public Builder reaperInterval(Duration interval) {
            this.reaperInterval = positive(interval, "reaper interval");
            return this;
        }

        /**
         * How long a request that starts an operation waits for it before answering it {@code running}: a client
         * then polls. Default 5 s.
         */
        public Builder answerWithin(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("The answer wait " + wait + " is negative: give 0 or more");
            }
            this.answerWithin = wait;
            return this;
        }

        /** How many operations run at once (copies, resets, deletes; one at a time per branch). Default 4. */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("Workers " + workers + ": give 1 to 64");
            }
            this.workers = workers;
            return this;
        }

        /**
         * Starts the store with the recorded branches (forgetting those it did not bring back) and serves.
         *
         * @throws UncheckedIOException when the address cannot be listened on
         */
        public NeonCompatibleApi start() {
            return new NeonCompatibleApi(this);
        }

        private static Duration positive(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("The " + what + " " + duration + " is not positive");
            }
            return duration;
        }
    }
}
