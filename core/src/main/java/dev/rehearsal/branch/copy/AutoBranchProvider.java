package dev.rehearsal.branch.copy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchManagement;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.branch.TargetInUseException.SessionInfo;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.internal.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fastest way to branch the target as it is at the moment: a template copy ({@link TemplateBranchProvider}, O(1)
 * with {@code file_copy_method = clone}) when nobody else is connected to it; otherwise the branch server when one
 * is configured (a server that speaks the Neon API, spoken to as {@link NeonBranchProvider} speaks to Neon: seconds
 * whatever the size, production in use or not); otherwise a snapshot copy ({@link SnapshotCopyBranchProvider}: in
 * proportion to the data). Each run's outcome names the way its branch was made, and the log says why.
 *
 * <p>Sessions that are Rehearsal's own ({@code application_name} {@value Sql#APPLICATION_NAME}) and idle — a
 * connection the run closed, whose server process ends a moment later — are waited for briefly before the template
 * copy gives way; anyone else's session makes it give way at once. Nobody's session is ever terminated.
 *
 * <p>Named branches ({@link BranchManagement}) live in one place, so that they can be listed: on the branch server
 * when one is configured, else on the target's server (a template copy when the target is free, a snapshot copy
 * when it is in use).
 *
 * <pre>{@code
 * BranchProvider provider = AutoBranchProvider.builder()
 *         .branchServer("http://branches.internal:8088/api/v2")   // key from REHEARSAL_SERVER_API_KEY
 *         .build();
 * }</pre>
 */
public final class AutoBranchProvider implements BranchProvider, BranchManagement {
    /** The environment variable the branch server's API key is read from by default. */
    public static final String DEFAULT_SERVER_KEY_VARIABLE = "REHEARSAL_SERVER_API_KEY";
    /** The branch server's project id unless configured otherwise (the server's default). */
    public static final String DEFAULT_SERVER_PROJECT = "local";
    /** The option {@code server} (the branch server's API URL) of {@link Factory}: {@link Builder#branchServer}. */
    public static final Setting SERVER = Setting.branchOption("server",
            "AutoBranchProvider.builder().branchServer(...)");
    /** The option {@code server-project} of {@link Factory}: {@link Builder#branchServerProject}. */
    public static final Setting SERVER_PROJECT = Setting.branchOption("server-project",
            "AutoBranchProvider.builder().branchServerProject(...)");
    /**
     * The option {@code server-api-key-variable} of {@link Factory}: {@link Builder#branchServerKeyFromEnvironment}.
     */
    public static final Setting SERVER_API_KEY_VARIABLE = Setting.branchOption("server-api-key-variable",
            "AutoBranchProvider.builder().branchServerKeyFromEnvironment(...)");

    private static final Logger LOG = LoggerFactory.getLogger(AutoBranchProvider.class);
    /** How long Rehearsal's own idle sessions on the target are waited for before the template copy gives way. */
    private static final Duration OWN_SESSIONS_WAIT = Duration.ofSeconds(2);

    private final TemplateBranchProvider template;
    private final SnapshotCopyBranchProvider snapshotCopy;
    /** The branch server's provider for a target, or null when no branch server is configured. */
    private final Function<DatabaseLocation, NeonBranchProvider> server;
    private final String serverUrl;
    private final Map<String, NeonBranchProvider> servers = new ConcurrentHashMap<>();
    private final DatabaseBranchManagement management;

    private AutoBranchProvider(Builder builder, String serverKey) {
        this.template = builder.template;
        this.snapshotCopy = builder.snapshotCopy;
        this.serverUrl = builder.serverUrl;
        this.server = serverUrl == null ? null : target -> NeonBranchProvider.builder().apiBaseUrl(serverUrl)
                .projectId(builder.serverProject).apiKey(serverKey).databaseName(target.database())
                .roleName(Objects.requireNonNullElse(target.user(), "postgres")).build();
        this.management = new DatabaseBranchManagement(template::maintenance, this::copyNamed, template.naming(),
                template.clock());
    }

    /** A provider with the defaults: template copy, else snapshot copy; no branch server. */
    public static AutoBranchProvider create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "auto";
    }

    /** True when a branch server is configured: the target in use is branched there. */
    public boolean hasBranchServer() {
        return server != null;
    }

    @Override
    public void validate(DatabaseLocation target) {
        template.validate(target);
        if (server == null) {
            try {
                snapshotCopy.validate(target);
            } catch (ConfigurationException e) {
                // needed only when the target is in use: said now, refused then
                LOG.warn("When the target is in use, the auto branch provider copies it with pg_dump/pg_restore, and "
                        + "cannot: {}", e.getMessage());
            }
        }
    }

    /** With a branch server, Neon's limit: the server speaks Neon's API, and keeps a branch as long as Neon does. */
    @Override
    public void validateExpiry(Setting setting, Duration expiry) {
        if (server != null) {
            server.apply(DatabaseLocation.of("jdbc:postgresql://localhost/postgres", "postgres", null))
                    .validateExpiry(setting, expiry);
        }
    }

    @Override
    public Branch create(BranchRequest request) {
        TargetInUseException inUse;
        try {
            return template.create(request);
        } catch (TargetInUseException e) {
            inUse = e;
        }
        if (onlyOwnIdleSessions(inUse.sessions())) {
            long deadline = System.nanoTime() + OWN_SESSIONS_WAIT.toNanos();
            while (System.nanoTime() < deadline && onlyOwnIdleSessions(inUse.sessions())) {
                pause();
                try {
                    return template.create(request);
                } catch (TargetInUseException e) {
                    inUse = e;
                }
            }
        }
        String sessions = inUse.sessions().size() + " other session(s)";
        if (server != null) {
            LOG.info("Target {} has {}: branching it on the branch server {}", request.parent().database(), sessions,
                    serverUrl);
            return serverFor(request.parent()).create(request);
        }
        LOG.info("Target {} has {}: branching it with a snapshot copy (pg_dump/pg_restore; configure a branch server "
                + "with {} to branch it in seconds)", request.parent().database(), sessions, SERVER.spelled());
        return snapshotCopy.create(request);
    }

    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        List<String> dropped = new ArrayList<>(template.reapOrphans(target, now));
        for (String name : snapshotCopy.reapOrphans(target, now)) {
            if (!dropped.contains(name)) {
                dropped.add(name);
            }
        }
        if (server != null) {
            dropped.addAll(serverFor(target).reapOrphans(target, now));
        }
        return dropped;
    }

    @Override
    public BranchInfo createBranch(DatabaseLocation parent, String name, Duration expiresAfter) {
        return server != null ? serverFor(parent).createBranch(parent, name, expiresAfter)
                : management.create(parent, name, expiresAfter);
    }

    @Override
    public List<BranchInfo> listBranches(DatabaseLocation parent) {
        return server != null ? serverFor(parent).listBranches(parent) : management.list(parent);
    }

    @Override
    public BranchInfo resetBranch(DatabaseLocation parent, String name) {
        return server != null ? serverFor(parent).resetBranch(parent, name) : management.reset(parent, name);
    }

    @Override
    public BranchInfo extendBranch(DatabaseLocation parent, String name, Instant expires) {
        return server != null ? serverFor(parent).extendBranch(parent, name, expires)
                : management.extend(parent, name, expires);
    }

    @Override
    public void deleteBranch(DatabaseLocation parent, String name) {
        if (server != null) {
            serverFor(parent).deleteBranch(parent, name);
        } else {
            management.delete(parent, name);
        }
    }

    @Override
    public DatabaseLocation branchLocation(DatabaseLocation parent, String name) {
        return server != null ? serverFor(parent).branchLocation(parent, name) : management.location(parent, name);
    }

    /** A named branch on the target's server: a template copy, or a snapshot copy while the target is in use. */
    private void copyNamed(DatabaseLocation parent, String name, BranchMetadata metadata) {
        try {
            template.copyNamed(parent, name, metadata);
        } catch (TargetInUseException e) {
            LOG.info("{} is in use ({} other session(s)): branch {} is a snapshot copy", parent.database(),
                    e.sessions().size(), name);
            snapshotCopy.copyNamed(parent, template.maintenance(parent), name, metadata);
        }
    }

    private NeonBranchProvider serverFor(DatabaseLocation target) {
        return servers.computeIfAbsent(target.database() + "\0" + target.user(), key -> server.apply(target));
    }

    private static boolean onlyOwnIdleSessions(List<SessionInfo> sessions) {
        return !sessions.isEmpty() && sessions.stream().allMatch(s -> Sql.APPLICATION_NAME.equals(s.applicationName())
                && "idle".equals(s.state()));
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BranchException("Interrupted while waiting for the target's sessions to end",
                    e);
        }
    }

    @Override
    public String toString() {
        return "auto (template, else " + (server == null ? "" : "branch server " + serverUrl + ", else ")
                + "snapshot copy)";
    }

    /** Configures an {@link AutoBranchProvider}; every setter checks its argument at once. */
    public static final class Builder {
        private TemplateBranchProvider template = TemplateBranchProvider.create();
        private SnapshotCopyBranchProvider snapshotCopy = SnapshotCopyBranchProvider.create();
        private String serverUrl;
        private String serverProject = DEFAULT_SERVER_PROJECT;
        private String serverKey;
        private String serverKeyVariable = DEFAULT_SERVER_KEY_VARIABLE;
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /** The template copy used while the target is free. Default {@link TemplateBranchProvider#create()}. */
        public Builder template(TemplateBranchProvider template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * The snapshot copy used while the target is in use and no branch server is configured. Default
         * {@link SnapshotCopyBranchProvider#create()}. Named branches are copied to the target's server whatever its
         * destination, so that they are listed with the template copies.
         */
        public Builder snapshotCopy(SnapshotCopyBranchProvider snapshotCopy) {
            this.snapshotCopy = Objects.requireNonNull(snapshotCopy, "snapshotCopy");
            return this;
        }

        /**
         * The branch server (one that speaks the Neon API) that branches the target while it is in use, by its API URL,
         * e.g. {@code http://branches.internal:8088/api/v2}. Its connection URIs are asked for with the target's
         * database and user names.
         */
        public Builder branchServer(String apiUrl) {
            Objects.requireNonNull(apiUrl, "apiUrl");
            // checked as the Neon provider checks an API URL: the same client speaks to it
            NeonBranchProvider.builder().apiBaseUrl(apiUrl);
            this.serverUrl = apiUrl;
            return this;
        }

        /** The branch server's project id. Default {@value AutoBranchProvider#DEFAULT_SERVER_PROJECT}. */
        public Builder branchServerProject(String projectId) {
            NeonBranchProvider.builder().projectId(projectId);
            this.serverProject = projectId;
            return this;
        }

        /** The branch server's API key. Default: from {@value AutoBranchProvider#DEFAULT_SERVER_KEY_VARIABLE}. */
        public Builder branchServerKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            this.serverKey = apiKey;
            return this;
        }

        /** Reads the branch server's API key from this environment variable. */
        public Builder branchServerKeyFromEnvironment(String variable) {
            Objects.requireNonNull(variable, "variable");
            if (variable.isBlank()) {
                throw new ConfigurationException("The environment variable name is blank: give one, e.g. "
                        + DEFAULT_SERVER_KEY_VARIABLE + " (" + SERVER_API_KEY_VARIABLE.spelled() + ")");
            }
            this.serverKeyVariable = variable;
            return this;
        }

        /** For tests: where environment variables are read. */
        Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Checks the configuration and returns the provider; nothing is contacted yet.
         *
         * @throws ConfigurationException when a branch server is configured without an API key
         */
        public AutoBranchProvider build() {
            String key = null;
            if (serverUrl != null) {
                key = serverKey != null ? serverKey : environment.apply(serverKeyVariable);
                if (key == null || key.isBlank()) {
                    throw new ConfigurationException("No API key for the branch server " + serverUrl + ": the "
                            + "environment variable " + serverKeyVariable + " is not set. Set it to the key the "
                            + "server was started with (or name another variable with "
                            + SERVER_API_KEY_VARIABLE.spelled() + ")");
                }
            }
            return new AutoBranchProvider(this, key);
        }
    }

    /**
     * Makes the provider {@code auto} for the front ends: the template provider's options, the snapshot copy's, and
     * the branch server's ({@code server}, {@code server-project}, {@code server-api-key-variable}).
     */
    public static final class Factory implements BranchProviderFactory {
        @Override
        public String name() {
            return "auto";
        }

        @Override
        public String description() {
            return "template when nobody is connected to the target, else the branch server (option server), else "
                    + "snapshot copy";
        }

        @Override
        public List<Setting> options() {
            List<Setting> options = new ArrayList<>(new TemplateBranchProvider.Factory().options());
            for (Setting option : new SnapshotCopyBranchProvider.Factory().options()) {
                if (options.stream().noneMatch(known -> known.name().equals(option.name()))) {
                    options.add(option);
                }
            }
            options.addAll(List.of(SERVER, SERVER_PROJECT, SERVER_API_KEY_VARIABLE));
            return options;
        }

        @Override
        public Class<AutoBranchProvider> providerType() {
            return AutoBranchProvider.class;
        }

        @Override
        public BranchProvider create(Options options) {
            // each provider reads its own options from the same set
            Builder builder = builder()
                    .template((TemplateBranchProvider) new TemplateBranchProvider.Factory().create(options))
                    .snapshotCopy((SnapshotCopyBranchProvider) new SnapshotCopyBranchProvider.Factory()
                            .create(options));
            options.text(SERVER).ifPresent(builder::branchServer);
            options.text(SERVER_PROJECT).ifPresent(builder::branchServerProject);
            options.text(SERVER_API_KEY_VARIABLE).ifPresent(builder::branchServerKeyFromEnvironment);
            return builder.build();
        }
    }
}
