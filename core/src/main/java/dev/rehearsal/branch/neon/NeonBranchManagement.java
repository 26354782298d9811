package dev.rehearsal.branch.neon;

import static dev.rehearsal.branch.neon.NeonProject.KEPT;
import static dev.rehearsal.branch.neon.NeonProject.RUN;
import static dev.rehearsal.branch.neon.NeonProject.instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.neon.NeonProject.Parent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branch management for {@link NeonBranchProvider}: a named branch {@code name} is the Neon branch
 * {@code <prefix><name>} of the parent branch; it is reset from its own parent ({@code parent_id}) with
 * {@code POST .../restore} and extended by moving its {@code expires_at}. Names of the forms runs' branches have are
 * refused, so that reaping never takes a named one. Expiries beyond Neon's limit are refused before any request
 * ({@link NeonBranchProvider#MAX_EXPIRY}).
 */
final class NeonBranchManagement {
    /** Under the provider's name, as {@link NeonApi} logs: one logger to configure for everything Neon. */
    private static final Logger LOG = LoggerFactory.getLogger(NeonBranchProvider.class);
    /** What a branch without {@code expires_at} (someone removed it) is listed as expiring at. */
    private static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

    private final NeonProject project;
    private final Clock clock;

    NeonBranchManagement(NeonProject project, Clock clock) {
        this.project = project;
        this.clock = clock;
    }

    BranchInfo create(String name, Duration expiresAfter) {
        NeonBranchProvider.requireWithinNeonsLimit(BranchManager.EXPIRY, expiresAfter);
        if (name.startsWith(RUN) || name.startsWith(KEPT)) {
            throw new ConfigurationException("Branch name '" + name + "' is not allowed: names starting with '"
                    + RUN + "' or '" + KEPT + "' are those of rehearsal runs' branches, which are reaped. Choose "
                    + "another name, e.g. 'dev-alice'");
        }
        Parent from = project.parent();
        String neonName = project.prefix() + name;
        if (project.find(neonName).isPresent()) {
            throw new BranchException("Neon project '" + project.id() + "' already has a branch named '"
                    + neonName + "': delete it first (BranchManager.delete(\"" + name + "\")), reset it, or choose "
                    + "another name");
        }
        JsonNode made = project.create(neonName, from.id(), clock.instant().plus(expiresAfter));
        String id = made.path("branch").path("id").asText();
        LOG.info("Created Neon branch {} ({}) of {}", neonName, id, from.name());
        return info(project.branch(id), Map.of(from.id(), from.name()));
    }

    List<BranchInfo> list() {
        Parent from = project.parent();
        List<JsonNode> all = project.branches();
        Map<String, String> names = namesById(all);
        return all.stream()
                .filter(b -> b.path("name").asText().startsWith(project.prefix()))
                .filter(b -> from.id().equals(b.path("parent_id").asText()))
                .sorted(Comparator.comparing(b -> b.path("name").asText()))
                .map(b -> info(b, names))
                .toList();
    }

    /**
     * Restores the branch from the head of its own parent, as Neon's "reset from parent" does: the branch may have
     * been made from another parent than the one this provider is configured with now.
     */
    BranchInfo reset(String name) {
        List<JsonNode> all = project.branches();
        JsonNode branch = require(name, all);
        String id = branch.path("id").asText();
        String neonName = project.prefix() + name;
        String parentId = branch.path("parent_id").asText("");
        if (parentId.isEmpty()) {
            throw new BranchException("Neon branch '" + neonName + "' (" + id + ") of project '" + project.id()
                    + "' has no parent to reset it from: it is a root branch. Delete it and create it again");
        }
        Map<String, String> names = namesById(all);
        project.restore(id, neonName, parentId);
        LOG.info("Reset Neon branch {} ({}) to the head of its parent {}", neonName, id,
                names.getOrDefault(parentId, parentId));
        return info(project.branch(id), names);
    }

    BranchInfo extend(String name, Instant expires) {
        NeonBranchProvider.requireWithinNeonsLimit(BranchManager.EXPIRY, Duration.between(clock.instant(),
                expires));
        Parent from = project.parent();
        String id = require(name).path("id").asText();
        JsonNode updated = project.update(id, Map.of("expires_at", NeonProject.rfc3339(expires)),
                project.prefix() + name);
        return info(updated.path("branch"), Map.of(from.id(), from.name()));
    }

    void delete(String name) {
        project.delete(require(name).path("id").asText(), project.prefix() + name);
        LOG.info("Deleted Neon branch {}", project.prefix() + name);
    }

    /** The branch's database, with the parent's password where its URI has none (a branch server's). */
    DatabaseLocation location(DatabaseLocation parent, String name) {
        return NeonProject.withPasswordOf(project.connectionUri(require(name).path("id").asText()), parent);
    }

    private JsonNode require(String name) {
        return require(name, project.branches());
    }

    private JsonNode require(String name, List<JsonNode> all) {
        String prefix = project.prefix();
        return all.stream().filter(b -> (prefix + name).equals(b.path("name").asText())).findFirst()
                .orElseThrow(() -> new BranchException("Neon project '" + project.id()
                + "' has no branch '" + name + "' (Neon name '" + prefix + name + "'): list the branches with "
                + "BranchManager.list()"));
    }

    private static Map<String, String> namesById(List<JsonNode> branches) {
        return branches.stream().collect(Collectors.toMap(b -> b.path("id").asText(), b -> b.path("name").asText(),
                (a, b) -> a));
    }

    private BranchInfo info(JsonNode branch, Map<String, String> namesById) {
        String prefix = project.prefix();
        String neonName = branch.path("name").asText();
        String name = neonName.startsWith(prefix) ? neonName.substring(prefix.length()) : neonName;
        boolean kept = name.startsWith(KEPT);
        String parentId = branch.path("parent_id").asText();
        Instant reset = instant(branch, "last_reset_at");
        Instant created = reset != null ? reset : instant(branch, "created_at");
        Instant expires = instant(branch, "expires_at");
        JsonNode size = branch.path("logical_size");
        String url;
        try {
            url = project.connectionUri(branch.path("id").asText()).redactedUrl();
        } catch (BranchException e) {
            url = "(no connection URI: " + e.getMessage() + ")";
        }
        return new BranchInfo(name, namesById.getOrDefault(parentId, parentId), created == null ? Instant.EPOCH
                : created, expires == null ? NEVER : expires, null, name.startsWith(RUN) || kept
                ? BranchRequest.RUNNER : NeonBranchProvider.DEVELOPER, kept, size.isNumber() ? size.asLong() : null,
                url);
    }
}
