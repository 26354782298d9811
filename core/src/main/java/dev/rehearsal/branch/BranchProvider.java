package dev.rehearsal.branch;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Makes branches: connectable copies of a parent database, data included.
 *
 * <p>Implementations must leave the parent untouched, give every branch a recognisable name and its
 * {@link BranchMetadata}, and never drop or change a database they did not create.
 *
 * <p>A provider that also manages named branches for people implements {@link BranchManagement} as well. Front ends
 * find providers by name through a {@link BranchProviderFactory} registered in {@code META-INF/services}.
 */
public interface BranchProvider {
    /** The provider chosen when none is named. */
    String DEFAULT = "template";

    /**
     * The provider called {@code name} (null or blank: {@value #DEFAULT}) with these options, as the CLI
     * ({@code --branch-provider snapshot-copy --branch-option jobs=4}), the Maven plugin ({@code <branchProvider>},
     * {@code <branchOptions>}) and the Spring Boot starter take it: {@code template}, {@code snapshot-copy},
     * {@code neon}, or any other provider whose jar registers a {@link BranchProviderFactory}.
     *
     * @throws dev.rehearsal.api.ConfigurationException for an unknown name (listing the providers found), an option the
     *                                                  provider does not have, or a bad value
     */
    static BranchProvider named(String name, Map<String, String> options) {
        return BranchProviders.named(name, options);
    }

    /**
     * As {@link #named(String, Map)}, with listeners for what the chosen provider reports: each provider takes those
     * of the types it reports to and ignores the rest, so a front end can give them whatever the user chose, e.g.
     * {@code BranchProvider.named("snapshot-copy", Map.of(), List.of(progressLine))} with a
     * {@link dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.CopyProgress.Listener} (taken by
     * {@code snapshot-copy} and {@code auto}).
     */
    static BranchProvider named(String name, Map<String, String> options, List<?> listeners) {
        return BranchProviders.named(name, options, listeners);
    }

    /** The names of the providers found, built-in ones first. */
    static List<String> names() {
        return BranchProviders.names();
    }

    /** A short name for reports, e.g. {@code "template"}. */
    String name();

    /**
     * Creates a branch of {@code request.parent()}.
     *
     * @throws dev.rehearsal.api.BranchException when the branch cannot be made; nothing is left behind
     */
    Branch create(BranchRequest request);

    /**
     * Checks, before any run, that this provider can branch {@code target} as configured.
     *
     * @throws dev.rehearsal.api.ConfigurationException naming the problem and the fix
     */
    default void validate(DatabaseLocation target) {
    }

    /**
     * Checks, before any branch is made, that a branch of this provider may be set to expire {@code expiresAfter}
     * from now: the service some providers stand on limits it (Neon: 30 days). Nothing by default.
     *
     * @param setting the setting that asks for this expiry, named in the message as the user's front end spells it
     * @throws dev.rehearsal.api.ConfigurationException naming the setting, the limit and the fix
     */
    default void validateExpiry(Setting setting, Duration expiresAfter) {
    }

    /**
     * Drops what this provider left behind on {@code target}'s server: branches past their expiry, and branches of
     * {@code target} made by a runner ({@code purpose "rehearsal"}, not kept) — the caller holds the target's runner
     * turn, so no runner of it should be alive to own them. Never touches a database the provider did not create,
     * nor a branch that is in use or whose run is alive (a run that lost its turn lives on until it notices): one
     * with sessions, or whose heartbeat ({@link BranchMetadata#lastSeen()}) is fresh, whatever its expiry says.
     *
     * @return the names of the databases dropped
     */
    default List<String> reapOrphans(DatabaseLocation target, Instant now) {
        return List.of();
    }
}
