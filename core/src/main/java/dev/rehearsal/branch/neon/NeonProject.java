package dev.rehearsal.branch.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A Neon project's branches as a {@link NeonBranchProvider} is configured to see them: which branch is the parent,
 * which point of its history a branch starts at, which database and role a branch is connected to, and the prefix of
 * the names of the branches it makes. Both of the provider's jobs go through it: the runs' branches
 * ({@link NeonBranchProvider}) and the named ones of branch management ({@link NeonBranchManagement}).
 */
final class NeonProject {
    /** The name of a run's branch, after the prefix: {@code run-<utc timestamp>-<random>}. */
    static final String RUN = "run-";
    /** The name of a run's branch kept for debugging, after the prefix: {@code kept-<utc timestamp>-<random>}. */
    static final String KEPT = "kept-";

    private final NeonApi api;
    private final String parentBranch;
    private final String databaseName;
    private final String roleName;
    private final String prefix;
    private final Instant parentTimestamp;
    private final String parentLsn;
    private final int pageSize;
    private volatile Parent parent;

    /** The parent branch as Neon knows it. */
    record Parent(String id, String name) {
    }

    /**
     * @param parentBranch    id or name of the parent, or null for the project's default branch
     * @param parentTimestamp the point of the parent's history to branch from, or null (see {@code parentLsn})
     * @param parentLsn       the point of the parent's history to branch from, or null; both null: its head
     * @param pageSize        how many branches to ask for at a time when listing them
     */
    NeonProject(NeonApi api, String parentBranch, String databaseName, String roleName, String prefix,
                Instant parentTimestamp, String parentLsn, int pageSize) {
        this.api = api;
        this.parentBranch = parentBranch;
        this.databaseName = databaseName;
        this.roleName = roleName;
        this.prefix = prefix;
        this.parentTimestamp = parentTimestamp;
        this.parentLsn = parentLsn;
        this.pageSize = pageSize;
    }

    /** The project's id, for messages. */
    String id() {
        return api.projectId();
    }

    String prefix() {
        return prefix;
    }

    /** The parent branch, looked up once. */
    Parent parent() {
        Parent resolved = parent;
        if (resolved != null) {
            return resolved;
        }
        List<JsonNode> all = branches();
        for (JsonNode branch : all) {
            boolean match = parentBranch == null
                    ? branch.path("default").asBoolean(false) || branch.path("primary").asBoolean(false)
                    : parentBranch.equals(branch.path("id").asText()) || parentBranch.equals(
                            branch.path("name").asText());
            if (match) {
                resolved = new Parent(branch.path("id").asText(), branch.path("name").asText());
                parent = resolved;
                return resolved;
            }
        }
        String known = all.stream().map(b -> b.path("name").asText() + " (" + b.path("id").asText() + ")")
                .collect(Collectors.joining(", "));
        throw new ConfigurationException(parentBranch == null
                ? "Neon project '" + api.projectId() + "' has no default branch to branch from: name the parent "
                + "with " + NeonBranchProvider.PARENT_BRANCH.spelled() + "; its branches are: " + known
                : "Neon project '" + api.projectId() + "' has no branch with the id or name '" + parentBranch
                + "': set " + NeonBranchProvider.PARENT_BRANCH.spelled() + " to one of its branches: " + known);
    }

    /**
     * All of the project's branches, whoever made them, oldest first: page after page, each asked for with the
     * {@code cursor} the previous one gave as {@code pagination.next}, until a page brings no branch not seen yet.
     * Sorted by {@code created_at}, which never changes, so that a branch updated meanwhile is neither missed nor
     * seen twice.
     */
    List<JsonNode> branches() {
        Map<String, JsonNode> branches = new LinkedHashMap<>();
        String cursor = null;
        while (true) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("limit", Integer.toString(pageSize));
            query.put("sort_by", "created_at");
            query.put("sort_order", "asc");
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode answer = api.get(api.project("/branches") + NeonApi.query(query));
            int before = branches.size();
            answer.path("branches").forEach(branch -> branches.putIfAbsent(branch.path("id").asText(), branch));
            String next = answer.path("pagination").path("next").asText("");
            if (branches.size() == before || next.isEmpty() || next.equals(cursor)) {
                return new ArrayList<>(branches.values());
            }
            cursor = next;
        }
    }

    JsonNode branch(String id) {
        return api.get(api.project("/branches/" + id)).path("branch");
    }

    /** The branch of this Neon name (prefix included), if there is one. */
    Optional<JsonNode> find(String neonName) {
        return branches().stream().filter(b -> neonName.equals(b.path("name").asText())).findFirst();
    }

    /**
     * Makes branch {@code name} of {@code parentId} at the configured point of its history, with a read-write
     * compute, and waits for Neon to have done it; deletes it again when that fails. Returns Neon's answer, which
     * carries the branch and its connection URIs.
     */
    JsonNode create(String name, String parentId, Instant expires) {
        JsonNode made = api.post(api.project("/branches"), createBody(name, parentId, expires));
        String id = made.path("branch").path("id").asText();
        try {
            api.awaitOperations(made, "branch " + name);
        } catch (RuntimeException e) {
            deleteQuietly(id, name, e);
            throw e;
        }
        return made;
    }

    private Map<String, Object> createBody(String name, String parentId, Instant expires) {
        Map<String, Object> branch = new LinkedHashMap<>();
        branch.put("name", name);
        branch.put("parent_id", parentId);
        if (parentTimestamp != null) {
            branch.put("parent_timestamp", rfc3339(parentTimestamp));
        }
        if (parentLsn != null) {
            branch.put("parent_lsn", parentLsn);
        }
        branch.put("expires_at", rfc3339(expires));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("branch", branch);
        body.put("endpoints", List.of(Map.of("type", "read_write")));
        return body;
    }

    /** Changes the branch's {@code fields} ({@code name}, {@code expires_at}) and waits; returns Neon's answer. */
    JsonNode update(String id, Map<String, ?> fields, String name) {
        JsonNode updated = api.patch(api.project("/branches/" + id), Map.of("branch", fields));
        api.awaitOperations(updated, "branch " + name);
        return updated;
    }

    /**
     * Restores the branch from the head of the branch {@code sourceId} and waits; Neon restarts the branch's
     * compute, and starts its {@code expires_at} countdown again.
     */
    void restore(String id, String name, String sourceId) {
        JsonNode restored = api.post(api.project("/branches/" + id + "/restore"),
                Map.of("source_branch_id", sourceId));
        api.awaitOperations(restored, "branch " + name);
    }

    /** Deletes the branch and waits for Neon to have done it; a branch already gone counts as deleted. */
    void delete(String id, String name) {
        JsonNode deleted;
        try {
            deleted = api.delete(api.project("/branches/" + id));
        } catch (NeonApiException e) {
            if (e.status() == 404) {
                return;
            }
            throw new NeonApiException("Could not delete Neon branch '" + name + "' (" + id + "): "
                    + e.getMessage() + ". Delete it in the Neon Console, or with the Neon CLI: neon branches "
                    + "delete " + id + " --project-id " + api.projectId(), e.status(), e.neonCode(), e);
        }
        api.awaitOperations(deleted, "branch " + name);
    }

    /** Deletes the branch, if it was made at all, adding a failure to {@code primary}. */
    void deleteQuietly(String id, String name, RuntimeException primary) {
        if (id == null || id.isEmpty()) {
            return;
        }
        try {
            delete(id, name);
        } catch (RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * The {@code current_state} of the project's computes by branch id; a branch with several computes gets
     * {@code idle} only when all are.
     */
    Map<String, String> computeStates() {
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode endpoint : api.get(api.project("/endpoints")).path("endpoints")) {
            String state = endpoint.path("current_state").asText("unknown");
            states.merge(endpoint.path("branch_id").asText(), state, (a, b) -> "idle".equals(a) ? b : a);
        }
        return states;
    }

    /**
     * The URI Neon returned for the configured database and role, or (when it returned none) asks for it; the
     * parent's password where the URI carries none (see {@link #withPasswordOf}).
     */
    DatabaseLocation locationOf(JsonNode made, String id, DatabaseLocation parent) {
        for (JsonNode uri : made.path("connection_uris")) {
            JsonNode parameters = uri.path("connection_parameters");
            if (databaseName.equals(parameters.path("database").asText())
                    && roleName.equals(parameters.path("role").asText())) {
                return withPasswordOf(ConnectionUris.toLocation(uri.path("connection_uri").asText()), parent);
            }
        }
        return withPasswordOf(connectionUri(id), parent);
    }

    /** The branch's database, as the configured database and role on its read-write compute. */
    DatabaseLocation connectionUri(String id) {
        JsonNode answer = api.get(api.project("/connection_uri") + NeonApi.query(Map.of("branch_id", id,
                "database_name", databaseName, "role_name", roleName)));
        return ConnectionUris.toLocation(answer.path("uri").asText(null));
    }

    /**
     * {@code branch} with the parent's password when its URI carries none and its role is the parent's: Neon puts
     * the role's password in every URI, a branch server (which never learns passwords: its branches keep the
     * source's roles and theirs) puts none.
     */
    static DatabaseLocation withPasswordOf(DatabaseLocation branch, DatabaseLocation parent) {
        if (branch.hasPassword() || parent == null || !parent.hasPassword()
                || !Objects.equals(branch.user(), parent.user())) {
            return branch;
        }
        return branch.withPasswordOf(parent);
    }

    /** A time Neon gave, or null when the field is missing or not a time. */
    static Instant instant(JsonNode node, String field) {
        String text = node.path(field).asText(null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** RFC 3339 at whole seconds, as Neon's examples give it: {@code 2026-11-24T01:02:03Z}. */
    static String rfc3339(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Never shows the API key: {@link NeonApi#toString} does not. */
    @Override
    public String toString() {
        return api + ", parent " + (parentBranch == null ? "(default branch)" : parentBranch) + ", database "
                + databaseName + ", role " + roleName + ", prefix " + prefix;
    }
}
