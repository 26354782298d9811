package dev.rehearsal.branch.neon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of the Neon API (v2) that {@link NeonBranchProvider} uses, served on localhost with the paths, bodies,
 * status codes and operation states of Neon's reference — and real databases behind it: every branch is a database
 * of the embedded PostgreSQL (create = {@code CREATE DATABASE ... TEMPLATE parent}, restore = drop and copy again,
 * delete = drop), and the connection URIs it returns point there, with a role's real password.
 *
 * <p>Work happens when an operation finishes, as on Neon, where a branch cannot be used before its operations are
 * done: an operation is {@code scheduling} or {@code running} when returned, and moves one state further every time
 * it is polled; the states an operation goes through can be scripted ({@link #operationStates}), e.g. to
 * {@code cancelling} and {@code cancelled}. Failures can be injected ({@link #fail}); every request is recorded
 * ({@link #requests()}).
 *
 * <p>As Neon: an {@code expires_at} must be in the future and at most 30 days ahead (else 400), on create and on
 * update; a restore starts the expiry countdown again from the restore, with the interval that was set
 * ({@code ttl_interval_seconds}); deleting a branch that does not exist (or no more) answers 204 without a body;
 * branches are listed page by page ({@code limit}, {@code cursor} from {@code pagination.next}, {@code sort_by},
 * {@code sort_order}).
 */
final class LocalNeonApi implements AutoCloseable {
    static final String PROJECT = "local-project-123456";
    static final String ROOT_ID = "br-main-000001";
    static final String DATABASE = "neondb";
    /** Neon's limit of an {@code expires_at} ahead of now. */
    static final Duration EXPIRY_LIMIT = Duration.ofDays(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BRANCHES = Pattern.compile("/projects/([^/]+)/branches");
    private static final Pattern BRANCH = Pattern.compile("/projects/([^/]+)/branches/([^/]+)");
    private static final Pattern RESTORE = Pattern.compile("/projects/([^/]+)/branches/([^/]+)/restore");
    private static final Pattern OPERATION = Pattern.compile("/projects/([^/]+)/operations/([^/]+)");
    private static final Pattern CONNECTION_URI = Pattern.compile("/projects/([^/]+)/connection_uri");
    private static final Pattern ENDPOINTS = Pattern.compile("/projects/([^/]+)/endpoints");

    private final HttpServer server;
    private final TestPostgres postgres;
    private final String role;
    private final String password;
    private final String apiKey;
    private final Map<String, FakeBranch> branches = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new HashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, List<String>> scripts = new HashMap<>();
    private final AtomicInteger counter = new AtomicInteger();

    /** A request as recorded: method, path (with query) and the status answered. */
    record Request(String method, String path, int status, Instant at) {
        @Override
        public String toString() {
            return method + " " + path + " -> " + status;
        }
    }

    private record Fault(String method, Pattern path, int status, String retryAfter, String message) {
    }

    private static final class FakeBranch {
        final String id;
        final String parentId;
        final String database;
        final Instant createdAt;
        String name;
        Instant updatedAt;
        Instant expiresAt;
        Duration ttl;
        Instant lastResetAt;
        String state = "init";
        boolean endpoint;

        FakeBranch(String id, String name, String parentId, String database, Instant createdAt, Instant expiresAt) {
            this.id = id;
            this.name = name;
            this.parentId = parentId;
            this.database = database;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
            this.expiresAt = expiresAt;
            this.ttl = expiresAt == null ? null : Duration.between(createdAt, expiresAt);
        }
    }

    private static final class Operation {
        final String id = UUID.randomUUID().toString();
        final String branchId;
        final String action;
        final Runnable work;
        final Instant createdAt = Instant.now();
        final Deque<String> script;
        String status;
        String error;

        Operation(String branchId, String action, String status, Runnable work, List<String> script) {
            this.branchId = branchId;
            this.action = action;
            this.status = status;
            this.work = work;
            this.script = script == null ? null : new ArrayDeque<>(script);
        }
    }

    private final List<Request> recorded = new ArrayList<>();

    /**
     * Serves a project whose default branch {@code main} is {@code rootDatabase}; connection URIs carry
     * {@code role} and {@code password}, and branch databases are given to {@code role}.
     */
    LocalNeonApi(TestPostgres postgres, String rootDatabase, String role, String password, String apiKey)
            throws IOException {
        this.postgres = postgres;
        this.role = role;
        this.password = password;
        this.apiKey = apiKey;
        FakeBranch main = new FakeBranch(ROOT_ID, "main", null, rootDatabase, Instant.now().minusSeconds(3600), null);
        main.state = "ready";
        main.endpoint = true;
        branches.put(ROOT_ID, main);
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/api/v2/", this::handle);
        server.start();
    }

    /** The base URL to give {@code NeonBranchProvider.builder().apiBaseUrl(...)}. */
    String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort() + "/api/v2";
    }

    /**
     * Answers the next {@code times} requests of {@code method} whose path matches {@code pathRegex} with
     * {@code status} (a 429 with {@code Retry-After: 1}), without doing anything else.
     */
    synchronized LocalNeonApi fail(String method, String pathRegex, int status, int times) {
        return fail(method, pathRegex, status, times, "injected HTTP " + status);
    }

    /** As {@link #fail(String, String, int, int)}, with Neon's {@code message}. */
    synchronized LocalNeonApi fail(String method, String pathRegex, int status, int times, String message) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(method, Pattern.compile(pathRegex), status, status == 429 ? "1" : null, message));
        }
        return this;
    }

    /**
     * The next operation {@code action} (e.g. {@code create_branch}) goes through {@code states} instead, one a
     * poll, and stays in the last; its work is done only if it reaches {@code finished}.
     */
    synchronized LocalNeonApi operationStates(String action, String... states) {
        scripts.put(action, List.of(states));
        return this;
    }

    /** Every request so far, in order. */
    synchronized List<Request> requests() {
        return List.copyOf(recorded);
    }

    /** How many requests of {@code method} had a path (without query) matching {@code pathRegex}. */
    synchronized long count(String method, String pathRegex) {
        Pattern pattern = Pattern.compile(pathRegex);
        return recorded.stream().filter(r -> r.method().equals(method))
                .filter(r -> pattern.matcher(r.path().replaceAll("\\?.*", "")).matches()).count();
    }

    /** The branches' names, default branch included. */
    synchronized List<String> branchNames() {
        return branches.values().stream().map(b -> b.name).toList();
    }

    /** The real database behind the branch named {@code name}. */
    synchronized String databaseOf(String name) {
        return branches.values().stream().filter(b -> b.name.equals(name)).map(b -> b.database).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no branch " + name + " in " + branchNames()));
    }

    /** Sets a branch's {@code expires_at} directly, as time passing would. */
    synchronized void expire(String name, Instant expiresAt) {
        branches.values().stream().filter(b -> b.name.equals(name)).forEach(b -> b.expiresAt = expiresAt);
    }

    /** The real databases this API made (for cleaning up and for checking that none are left). */
    synchronized List<String> branchDatabases() {
        return postgres.databasesStartingWith("neon_" + server.getAddress().getPort() + "_");
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath().substring("/api/v2".length());
        String query = exchange.getRequestURI().getRawQuery();
        int status;
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Answer answer = answer(exchange, method, path, query, body);
            status = answer.status;
            if (answer.retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter);
            }
            if (answer.body == null) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                byte[] bytes = JSON.writeValueAsBytes(answer.body);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
        recorded.add(new Request(method, path + (query == null ? "" : "?" + query), status, Instant.now()));
    }

    private record Answer(int status, Object body, String retryAfter) {
        static Answer ok(Object body) {
            return new Answer(200, body, null);
        }

        static Answer error(int status, String message) {
            return new Answer(status, Map.of("code", "", "message", message), null);
        }
    }

    private Answer answer(HttpExchange exchange, String method, String path, String query, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (!("Bearer " + apiKey).equals(authorization)) {
            return Answer.error(401, "authentication required");
        }
        Fault fault = faults.stream().filter(f -> f.method().equals(method) && f.path().matcher(path).matches())
                .findFirst().orElse(null);
        if (fault != null) {
            faults.remove(fault);
            return new Answer(fault.status(), Map.of("code", "", "message", fault.message()), fault.retryAfter());
        }
        try {
            JsonNode json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            Matcher m;
            if ((m = OPERATION.matcher(path)).matches() && method.equals("GET")) {
                return project(m) ? poll(m.group(2)) : notFound("project");
            }
            if ((m = CONNECTION_URI.matcher(path)).matches() && method.equals("GET")) {
                return project(m) ? connectionUri(parameters(query)) : notFound("project");
            }
            if ((m = ENDPOINTS.matcher(path)).matches() && method.equals("GET")) {
                return project(m) ? Answer.ok(Map.of("endpoints", branches.values().stream()
                        .filter(b -> b.endpoint).map(this::endpoint).toList())) : notFound("project");
            }
            if ((m = RESTORE.matcher(path)).matches() && method.equals("POST")) {
                return project(m) ? restore(m.group(2), json) : notFound("project");
            }
            if ((m = BRANCHES.matcher(path)).matches()) {
                if (!project(m)) {
                    return notFound("project");
                }
                return switch (method) {
                    case "GET" -> list(parameters(query));
                    case "POST" -> create(json);
                    default -> Answer.error(405, "method not allowed");
                };
            }
            if ((m = BRANCH.matcher(path)).matches()) {
                if (!project(m)) {
                    return notFound("project");
                }
                FakeBranch branch = branches.get(m.group(2));
                if (branch == null) {
                    // Neon: "Returned if the branch doesn't exist or has already been deleted"
                    return method.equals("DELETE") ? new Answer(204, null, null) : notFound("branch");
                }
                return switch (method) {
                    case "GET" -> Answer.ok(Map.of("branch", json(branch)));
                    case "PATCH" -> update(branch, json.path("branch"));
                    case "DELETE" -> delete(branch);
                    default -> Answer.error(405, "method not allowed");
                };
            }
            return notFound("route");
        } catch (IOException | RuntimeException e) {
            return Answer.error(500, "local Neon API failed: " + e.getMessage());
        }
    }

    private static boolean project(Matcher m) {
        return PROJECT.equals(m.group(1));
    }

    private static Answer notFound(String what) {
        return Answer.error(404, what + " not found");
    }

    private Answer create(JsonNode request) {
        JsonNode spec = request.path("branch");
        if (spec.has("parent_timestamp") || spec.has("parent_lsn")) {
            return Answer.error(400, "branching from a point in time is not available on the local Neon API");
        }
        String parentId = spec.path("parent_id").asText(ROOT_ID);
        FakeBranch parent = branches.get(parentId);
        if (parent == null) {
            return notFound("parent branch");
        }
        String id = "br-local-" + String.format("%06d", counter.incrementAndGet());
        String name = spec.path("name").asText(id);
        if (branches.values().stream().anyMatch(b -> b.name.equals(name))) {
            return Answer.error(409, "branch with name '" + name + "' already exists");
        }
        Instant expires = null;
        if (spec.hasNonNull("expires_at")) {
            expires = expiry(spec.path("expires_at").asText());
            if (expires == null) {
                return badExpiry(spec.path("expires_at").asText());
            }
        }
        String database = "neon_" + server.getAddress().getPort() + "_" + id.replace('-', '_');
        FakeBranch branch = new FakeBranch(id, name, parentId, database, Instant.now(), expires);
        branches.put(id, branch);
        List<Operation> started = new ArrayList<>();
        started.add(operation(id, "create_branch", "running", () -> {
            copy(parent.database, database);
            branch.state = "ready";
        }));
        boolean endpoint = false;
        for (JsonNode e : request.path("endpoints")) {
            endpoint |= "read_write".equals(e.path("type").asText());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("branch", json(branch));
        if (endpoint) {
            branch.endpoint = true;
            started.add(operation(id, "start_compute", "scheduling", () -> { }));
            answer.put("endpoints", List.of(endpoint(branch)));
            answer.put("connection_uris", List.of(Map.of("connection_uri", uri(branch), "connection_parameters",
                    Map.of("database", DATABASE, "password", password, "role", role, "host", "localhost",
                            "pooler_host", "localhost"))));
        }
        answer.put("operations", started.stream().map(this::json).toList());
        answer.put("roles", List.of(Map.of("branch_id", id, "name", role, "protected", false)));
        answer.put("databases", List.of(Map.of("branch_id", id, "name", DATABASE, "owner_name", role)));
        return new Answer(201, answer, null);
    }

    private Answer update(FakeBranch branch, JsonNode spec) {
        Instant expires = null;
        if (spec.hasNonNull("expires_at")) {
            expires = expiry(spec.path("expires_at").asText());
            if (expires == null) {
                return badExpiry(spec.path("expires_at").asText());
            }
        }
        if (spec.has("name")) {
            branch.name = spec.path("name").asText();
        }
        Instant now = Instant.now();
        if (spec.has("expires_at")) {
            branch.expiresAt = expires;
            branch.ttl = expires == null ? null : Duration.between(now, expires);
        }
        branch.updatedAt = now;
        return Answer.ok(Map.of("branch", json(branch), "operations", List.of()));
    }

    private Answer delete(FakeBranch branch) {
        if (branch.parentId == null) {
            return Answer.error(422, "cannot delete the project's default branch");
        }
        if (branches.values().stream().anyMatch(b -> branch.id.equals(b.parentId))) {
            return Answer.error(422, "cannot delete a branch that has child branches");
        }
        Operation suspend = operation(branch.id, "suspend_compute", "running", () -> { });
        Operation drop = operation(branch.id, "delete_timeline", "scheduling", () -> {
            postgres.dropDatabase(branch.database);
            branches.remove(branch.id);
        });
        return Answer.ok(Map.of("branch", json(branch), "operations", List.of(json(suspend), json(drop))));
    }

    private Answer restore(String id, JsonNode request) {
        FakeBranch branch = branches.get(id);
        FakeBranch source = branches.get(request.path("source_branch_id").asText());
        if (branch == null || source == null) {
            return notFound("branch");
        }
        if (request.has("source_timestamp") || request.has("source_lsn")) {
            return Answer.error(400, "restoring to a point in time is not available on the local Neon API");
        }
        if (source == branch) {
            return Answer.error(400, "source_timestamp or source_lsn is required to restore a branch from itself");
        }
        Operation recopy = operation(id, "create_timeline", "running", () -> {
            postgres.dropDatabase(branch.database);
            copy(source.database, branch.database);
            branch.lastResetAt = Instant.now();
            if (branch.ttl != null) {
                // Neon: the countdown starts again at the reset, with the interval that was set
                branch.expiresAt = branch.lastResetAt.plus(branch.ttl);
            }
        });
        Operation start = operation(id, "start_compute", "scheduling", () -> { });
        return Answer.ok(Map.of("branch", json(branch), "operations", List.of(json(recopy), json(start))));
    }

    private Answer poll(String id) {
        Operation operation = operations.get(id);
        if (operation == null) {
            return notFound("operation");
        }
        if (operation.script != null) {
            if (!operation.script.isEmpty()) {
                operation.status = operation.script.poll();
                if ("finished".equals(operation.status)) {
                    finish(operation);
                }
            }
            return Answer.ok(Map.of("operation", json(operation)));
        }
        switch (operation.status) {
            case "scheduling" -> operation.status = "running";
            case "running" -> finish(operation);
            default -> { }
        }
        return Answer.ok(Map.of("operation", json(operation)));
    }

    private static void finish(Operation operation) {
        try {
            operation.work.run();
            operation.status = "finished";
        } catch (RuntimeException e) {
            operation.status = "failed";
            operation.error = e.getMessage();
        }
    }

    /**
     * A page of branches: sorted by {@code sort_by} ({@code updated_at} by default) in {@code sort_order}
     * ({@code desc} by default), then by id; at most {@code limit} of them after the {@code cursor} (every one
     * without a limit), and the cursor of the last one as {@code pagination.next}.
     */
    private Answer list(Map<String, String> query) {
        String sortBy = query.getOrDefault("sort_by", "updated_at");
        String order = query.getOrDefault("sort_order", "desc");
        if (!List.of("name", "created_at", "updated_at").contains(sortBy) || !List.of("asc", "desc").contains(order)) {
            return Answer.error(400, "invalid sort_by or sort_order");
        }
        int limit;
        try {
            limit = Integer.parseInt(query.getOrDefault("limit", "10000"));
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1 || limit > 10_000) {
            return Answer.error(400, "limit must be from 1 to 10000");
        }
        Comparator<String> keys = order.equals("asc") ? Comparator.naturalOrder() : Comparator.reverseOrder();
        List<FakeBranch> sorted = branches.values().stream()
                .sorted(Comparator.comparing((FakeBranch b) -> sortKey(b, sortBy), keys).thenComparing(b -> b.id))
                .toList();
        String cursor = query.get("cursor");
        int from = 0;
        if (cursor != null) {
            String after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            from = sorted.size();
            for (int i = 0; i < sorted.size(); i++) {
                FakeBranch b = sorted.get(i);
                int byKey = keys.compare(sortKey(b, sortBy), after.substring(0, after.lastIndexOf('|')));
                if (byKey > 0 || byKey == 0 && b.id.compareTo(after.substring(after.lastIndexOf('|') + 1)) > 0) {
                    from = i;
                    break;
                }
            }
        }
        List<FakeBranch> page = sorted.subList(from, Math.min(sorted.size(), from + limit));
        Map<String, Object> pagination = new LinkedHashMap<>();
        if (!page.isEmpty()) {
            FakeBranch last = page.get(page.size() - 1);
            pagination.put("next", Base64.getUrlEncoder().encodeToString((sortKey(last, sortBy) + "|" + last.id)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        pagination.put("sort_by", sortBy);
        pagination.put("sort_order", order);
        return Answer.ok(Map.of("branches", page.stream().map(this::json).toList(), "pagination", pagination));
    }

    private static String sortKey(FakeBranch branch, String sortBy) {
        return switch (sortBy) {
            case "name" -> branch.name;
            case "created_at" -> branch.createdAt.toString();
            default -> branch.updatedAt.toString();
        };
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

    private Answer connectionUri(Map<String, String> parameters) {
        FakeBranch branch = branches.get(parameters.getOrDefault("branch_id", ROOT_ID));
        if (branch == null) {
            return notFound("branch");
        }
        if (!DATABASE.equals(parameters.get("database_name")) || !role.equals(parameters.get("role_name"))) {
            return notFound("database or role");
        }
        return Answer.ok(Map.of("uri", uri(branch)));
    }

    private void copy(String from, String to) {
        postgres.execute("postgres", "CREATE DATABASE " + TestPostgres.quoteIdentifier(to) + " TEMPLATE "
                + TestPostgres.quoteIdentifier(from) + " STRATEGY FILE_COPY",
                "ALTER DATABASE " + TestPostgres.quoteIdentifier(to) + " OWNER TO " + TestPostgres.quoteIdentifier(
                        role));
    }

    private String uri(FakeBranch branch) {
        return "postgresql://" + role + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@localhost:"
                + postgres.port() + "/" + branch.database + "?sslmode=disable&channel_binding=disable";
    }

    private Operation operation(String branchId, String action, String status, Runnable work) {
        Operation operation = new Operation(branchId, action, status, work, scripts.remove(action));
        operations.put(operation.id, operation);
        return operation;
    }

    private Map<String, Object> json(FakeBranch branch) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", branch.id);
        json.put("project_id", PROJECT);
        if (branch.parentId != null) {
            json.put("parent_id", branch.parentId);
        }
        json.put("name", branch.name);
        json.put("current_state", branch.state);
        if (!"ready".equals(branch.state)) {
            json.put("pending_state", "ready");
        }
        json.put("default", branch.parentId == null);
        json.put("primary", branch.parentId == null);
        json.put("protected", false);
        json.put("created_at", time(branch.createdAt));
        json.put("updated_at", time(branch.updatedAt));
        if (branch.expiresAt != null) {
            json.put("expires_at", time(branch.expiresAt));
        }
        if (branch.ttl != null) {
            json.put("ttl_interval_seconds", branch.ttl.toSeconds());
        }
        if (branch.lastResetAt != null) {
            json.put("last_reset_at", time(branch.lastResetAt));
        }
        if ("ready".equals(branch.state)) {
            json.put("logical_size", Long.parseLong(postgres.query("postgres", "SELECT pg_database_size(?)",
                    branch.database).get(0)));
        }
        return json;
    }

    private Map<String, Object> json(Operation operation) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", operation.id);
        json.put("project_id", PROJECT);
        json.put("branch_id", operation.branchId);
        json.put("action", operation.action);
        json.put("status", operation.status);
        if (operation.error != null) {
            json.put("error", operation.error);
        }
        json.put("failures_count", operation.error == null ? 0 : 1);
        json.put("created_at", time(operation.createdAt));
        json.put("updated_at", time(Instant.now()));
        return json;
    }

    /**
     * The branch's compute: {@code init} until its branch is ready, then {@code active} while its database has
     * sessions and {@code idle} (suspended) when it has none — as on Neon with a suspend timeout of zero.
     */
    private Map<String, Object> endpoint(FakeBranch branch) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", "ep-" + branch.id.substring(3));
        json.put("host", "localhost");
        json.put("project_id", PROJECT);
        json.put("branch_id", branch.id);
        json.put("type", "read_write");
        if ("ready".equals(branch.state)) {
            boolean sessions = !postgres.query("postgres", "SELECT 1 FROM pg_stat_activity WHERE datname = ?",
                    branch.database).isEmpty();
            json.put("current_state", sessions ? "active" : "idle");
        } else {
            json.put("current_state", "init");
            json.put("pending_state", "active");
        }
        return json;
    }

    private static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1),
                            StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    /** Stops serving and drops every database the API made. */
    @Override
    public void close() {
        server.stop(0);
        branchDatabases().forEach(postgres::dropDatabase);
    }
}
