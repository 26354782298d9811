package dev.rehearsal.branch.neon;

import static dev.rehearsal.branch.neon.NeonProject.KEPT;
import static dev.rehearsal.branch.neon.NeonProject.RUN;
import static dev.rehearsal.branch.neon.NeonProject.instant;
import static dev.rehearsal.branch.neon.NeonProject.rfc3339;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchManagement;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchMetadata;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.neon.NeonProject.Parent;
import dev.rehearsal.internal.Durations;
import dev.rehearsal.internal.Ranges;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches a Neon project's branch through the <a href="https://api-docs.neon.tech/reference">Neon API</a>: a real
 * copy-on-write copy, data included, made in about a second whatever the size, with a read-write compute of its own.
 *
 * <p>For a run it creates a branch of the parent branch ({@code POST /projects/{id}/branches} with a
 * {@code read_write} endpoint and an {@code expires_at}), waits for the operations that started, connects with the
 * connection URI Neon returns, and deletes the branch when the run is done. Branch management
 * ({@link dev.rehearsal.branch.BranchManager}) names branches {@code <prefix><name>}, resets them from the parent
 * with {@code POST .../restore}, and moves their {@code expires_at}. A run's branches are named
 * {@code <prefix>run-<utc timestamp>-<random>} and renamed {@code <prefix>kept-...} when kept, so that
 * {@link #reapOrphans} can tell them apart; it only ever deletes branches of this prefix.
 *
 * <p>Neon accepts an {@code expires_at} at most 30 days ahead: a longer expiry (the run's branch expiry, how long a
 * failed run's branch is kept, a named branch's expiry) is refused before any request, at {@link #MAX_EXPIRY}.
 *
 * <p>The target given to Rehearsal is the parent branch's database (its connection URL, with the role's
 * password): Rehearsal reads pending migrations there and promotes there. Its runner lock lives in another database
 * of the same server ({@code Rehearsal.Builder.lockDatabase}, by default {@code postgres}), which must exist on
 * the parent branch.
 *
 * <pre>{@code
 * NeonBranchProvider neon = NeonBranchProvider.builder()
 *         .projectId("autumn-disk-484331")
 *         .parentBranch("main")            // id (br-...) or name; default: the project's default branch
 *         .databaseName("neondb").roleName("neondb_owner")
 *         .build();                        // API key from the environment variable NEON_API_KEY
 * Rehearsal.configure().target(mainUrl, "neondb_owner", password).branchProvider(neon).engine(engine).load().run();
 * }</pre>
 *
 * <p>The API key and the role's password never appear in a log line, an exception message or {@code toString}.
 */
public final class NeonBranchProvider implements BranchProvider, BranchManagement {
    /** Neon's API, version 2. */
    public static final String DEFAULT_API_BASE_URL = "https://console.neon.tech/api/v2";
    /** The environment variable the API key is read from unless told otherwise. */
    public static final String DEFAULT_API_KEY_VARIABLE = "NEON_API_KEY";
    /** The default prefix of every branch name. */
    public static final String DEFAULT_PREFIX = "rehearsal-";
    /** The purpose of a branch made through branch management. */
    public static final String DEVELOPER = "developer";
    /** The option {@code project} of {@link Factory} (required): {@link Builder#projectId}. */
    public static final Setting PROJECT = Setting.branchOption("project",
            "NeonBranchProvider.builder().projectId(...)");
    /** The option {@code parent-branch} of {@link Factory}: {@link Builder#parentBranch}. */
    public static final Setting PARENT_BRANCH = Setting.branchOption("parent-branch",
            "NeonBranchProvider.builder().parentBranch(...)");
    /** The option {@code database} of {@link Factory}: {@link Builder#databaseName}. */
    public static final Setting DATABASE = Setting.branchOption("database",
            "NeonBranchProvider.builder().databaseName(...)");
    /** The option {@code role} of {@link Factory}: {@link Builder#roleName}. */
    public static final Setting ROLE = Setting.branchOption("role", "NeonBranchProvider.builder().roleName(...)");
    /** The option {@code api-key-variable} of {@link Factory}: {@link Builder#apiKeyFromEnvironment}. */
    public static final Setting API_KEY_VARIABLE = Setting.branchOption("api-key-variable",
            "NeonBranchProvider.builder().apiKeyFromEnvironment(...)");
    /** The option {@code api-url} of {@link Factory}: {@link Builder#apiBaseUrl}. */
    public static final Setting API_URL = Setting.branchOption("api-url",
            "NeonBranchProvider.builder().apiBaseUrl(...)");
    /** The option {@code max-retries} of {@link Factory}: {@link Builder#maxRetries}. */
    public static final Setting MAX_RETRIES = Setting.branchOption("max-retries",
            "NeonBranchProvider.builder().maxRetries(...)");
    /** The option {@code operation-timeout} (a duration) of {@link Factory}: {@link Builder#operationTimeout}. */
    public static final Setting OPERATION_TIMEOUT = Setting.branchOption("operation-timeout",
            "NeonBranchProvider.builder().operationTimeout(...)");
    /** Neon's limit: it refuses an {@code expires_at} more than this ahead of its own clock. */
    public static final Duration NEON_EXPIRY_LIMIT = Duration.ofDays(30);
    /**
     * The longest expiry this provider sets: {@link #NEON_EXPIRY_LIMIT} less 5 minutes, so that a clock of this
     * machine a little ahead of Neon's does not make Neon refuse what was checked here.
     */
    public static final Duration MAX_EXPIRY = NEON_EXPIRY_LIMIT.minusMinutes(5);
    /** The first pause before a retry: a setting of the builder only, no option of the front ends. */
    private static final Setting RETRY_BACKOFF = Setting.branchOption("retry-backoff",
            "NeonBranchProvider.builder().retryBackoff(...)");
    /** Neon's {@code limit} of a page of branches (1 to 10000): for tests only, no option of the front ends. */
    private static final Setting BRANCH_PAGE_SIZE = Setting.branchOption("branch-page-size",
            "NeonBranchProvider.builder().branchPageSize(...)");

    private static final Logger LOG = LoggerFactory.getLogger(NeonBranchProvider.class);
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_-]{0,23}");
    /** Neon's pattern of a project id, {@code ^[a-z0-9-]{1,60}$}. */
    private static final Pattern PROJECT_ID = Pattern.compile("[a-z0-9-]{1,60}");
    private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final NeonProject project;
    private final NeonBranchManagement management;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final URI apiBaseUrl;
    private final boolean isNeon;

    private NeonBranchProvider(Builder builder, String apiKey, String keySource) {
        NeonApi api = new NeonApi(builder.apiBaseUrl, builder.projectId, apiKey, keySource, builder.maxRetries,
                builder.retryBackoff, builder.maxBackoff, builder.requestTimeout, builder.operationTimeout);
        this.project = new NeonProject(api, builder.parentBranch, builder.databaseName, builder.roleName,
                builder.prefix, builder.parentTimestamp, builder.parentLsn, builder.branchPageSize);
        this.management = new NeonBranchManagement(project, builder.clock);
        this.clock = builder.clock;
        this.apiBaseUrl = builder.apiBaseUrl;
        this.isNeon = "console.neon.tech".equals(builder.apiBaseUrl.getHost());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "neon";
    }

    /**
     * How this provider's branches are made, for runs' outcomes: a Neon branch, or a branch of a branch server (any
     * other API base URL: a server that speaks Neon's API, such as Rehearsal's {@code rehearsal server}, which adds
     * how it copies in the branch's {@code rehearsal.copy_method}).
     */
    String copyMethod() {
        return isNeon ? "Neon branch (copy-on-write)" : "branch server " + apiBaseUrl + " (Neon API)";
    }

    /** The name prefix every branch of this provider carries. */
    public String prefix() {
        return project.prefix();
    }

    /**
     * Refuses an expiry longer than {@link #MAX_EXPIRY}, which Neon would refuse (or nearly: see there), naming
     * {@code setting} as the user's front end spells it.
     */
    @Override
    public void validateExpiry(Setting setting, Duration expiresAfter) {
        requireWithinNeonsLimit(setting, expiresAfter);
    }

    @Override
    public Branch create(BranchRequest request) {
        requireWithinNeonsLimit(Setting.BRANCH_EXPIRY, request.expiresAfter());
        Parent from = project.parent();
        Instant created = clock.instant();
        Instant expires = created.plus(request.expiresAfter());
        String name = project.prefix() + RUN + STAMP.format(created) + "-" + randomSuffix();
        long start = System.nanoTime();
        JsonNode made = project.create(name, from.id(), expires);
        String id = made.path("branch").path("id").asText();
        try {
            DatabaseLocation location = project.locationOf(made, id, request.parent());
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOG.debug("Branched Neon branch '{}' as '{}' ({}) in {} ms", from.name(), name, id, millis);
            JsonNode server = made.path("branch").path("rehearsal");
            String copyMethod = server.hasNonNull("copy_method")
                    ? copyMethod() + ": " + server.path("copy_method").asText() : copyMethod();
            return new NeonBranch(this, id, name, location, new BranchMetadata(from.name(), created, expires, null,
                    request.purpose(), false, request.runner(), null), millis, copyMethod,
                    server.path("own_server").asBoolean(true));
        } catch (RuntimeException e) {
            project.deleteQuietly(id, name, e);
            throw e;
        }
    }

    /**
     * Deletes this provider's branches (those of its prefix) that Neon has not deleted itself yet although their
     * {@code expires_at} has passed, and the parent's branches of runs ({@code <prefix>run-...}, not kept): the
     * caller holds the target's runner turn, so no run that made them should be alive. Never touches another branch,
     * nor one whose compute is not suspended ({@code current_state} other than {@code idle}): a run's compute stays
     * active while the run uses it and for Neon's suspend timeout after (5 minutes by default), which stands in for
     * the heartbeat that database branches record — a branch in use, or of a run that lost its turn but lives on, is
     * left alone; a killed run's branch is deleted by a run after its compute has been suspended, or by Neon at its
     * {@code expires_at}.
     */
    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        Parent from = project.parent();
        String prefix = project.prefix();
        Map<String, String> candidates = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (JsonNode branch : project.branches()) {
            String name = branch.path("name").asText();
            if (!name.startsWith(prefix)) {
                continue;
            }
            Instant expires = instant(branch, "expires_at");
            String id = branch.path("id").asText();
            if (expires != null && !expires.isAfter(now)) {
                candidates.put(id, "expired at " + expires);
            } else if (name.startsWith(prefix + RUN) && from.id().equals(branch.path("parent_id").asText())) {
                candidates.put(id, "left by an interrupted run of " + from.name() + " started at " + instant(branch,
                        "created_at"));
            }
            names.put(id, name);
        }
        Map<String, String> computes = candidates.isEmpty() ? Map.of() : project.computeStates();
        List<String> deleted = new ArrayList<>();
        for (Map.Entry<String, String> candidate : candidates.entrySet()) {
            String id = candidate.getKey();
            String name = names.get(id);
            String state = computes.get(id);
            if (state != null && !"idle".equals(state)) {
                LOG.info("Left Neon branch {} alone, though {}: its compute is {} (in use, or used within Neon's "
                        + "suspend timeout)", name, candidate.getValue(), state);
                continue;
            }
            try {
                project.delete(id, name);
                deleted.add(name);
                LOG.info("Deleted orphan Neon branch {} ({})", name, candidate.getValue());
            } catch (RuntimeException e) {
                LOG.warn("Could not delete orphan Neon branch {} ({}): {}", name, candidate.getValue(),
                        e.getMessage());
            }
        }
        return deleted;
    }

    /** Refuses names of the forms this provider gives runs' branches, and expiries beyond {@link #MAX_EXPIRY}. */
    @Override
    public BranchInfo createBranch(DatabaseLocation parentLocation, String name, Duration expiresAfter) {
        return management.create(name, expiresAfter);
    }

    @Override
    public List<BranchInfo> listBranches(DatabaseLocation parentLocation) {
        return management.list();
    }

    /**
     * Restores the branch from the head of its own parent ({@code POST .../restore} with the branch's
     * {@code parent_id} as {@code source_branch_id}), as Neon's "reset from parent" does, whatever parent this
     * provider is configured with now; Neon restarts the branch's compute, which ends its sessions, and starts the
     * branch's expiry countdown again.
     */
    @Override
    public BranchInfo resetBranch(DatabaseLocation parentLocation, String name) {
        return management.reset(name);
    }

    @Override
    public BranchInfo extendBranch(DatabaseLocation parentLocation, String name, Instant expires) {
        return management.extend(name, expires);
    }

    @Override
    public void deleteBranch(DatabaseLocation parentLocation, String name) {
        management.delete(name);
    }

    /**
     * The branch's database, as {@link Builder#databaseName} and {@link Builder#roleName} on its read-write compute.
     */
    @Override
    public DatabaseLocation branchLocation(DatabaseLocation parentLocation, String name) {
        return management.location(parentLocation, name);
    }

    /** Renames a run's branch to the kept form, so that reaping spares it, and moves its {@code expires_at}. */
    String keep(String id, String name, Instant expires) {
        requireWithinNeonsLimit(Setting.KEEP_FAILED_BRANCH, Duration.between(clock.instant(), expires));
        String run = project.prefix() + RUN;
        String kept = name.startsWith(run) ? project.prefix() + KEPT + name.substring(run.length()) : name;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", kept);
        fields.put("expires_at", rfc3339(expires));
        project.update(id, fields, kept);
        return kept;
    }

    /** Deletes a run's branch and waits for Neon to have done it; a branch already gone counts as deleted. */
    void delete(String id, String name) {
        project.delete(id, name);
    }

    /**
     * {@code expiresAfter} when Neon accepts it, with the margin for clock skew; otherwise a
     * {@link ConfigurationException} naming {@code setting}.
     */
    static Duration requireWithinNeonsLimit(Setting setting, Duration expiresAfter) {
        if (expiresAfter.compareTo(MAX_EXPIRY) > 0) {
            // to the second: an expiry computed from an instant is a few milliseconds short of what was asked for
            Duration shown = Duration.ofSeconds((expiresAfter.toMillis() + 500) / 1000);
            throw new ConfigurationException(setting.spelled(Durations.format(shown)) + " is longer than Neon keeps "
                    + "a branch: Neon accepts an expires_at at most 30 days ahead, and Rehearsal keeps 5 minutes of "
                    + "that for the clocks of this machine and Neon to differ. Give at most 30 days less 5 minutes, "
                    + "e.g. " + setting.spelled("29d"));
        }
        return expiresAfter;
    }

    private String randomSuffix() {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(RANDOM_ALPHABET.charAt(random.nextInt(RANDOM_ALPHABET.length())));
        }
        return suffix.toString();
    }

    @Override
    public String toString() {
        return "NeonBranchProvider[" + project + "]";
    }

    /** Configures a {@link NeonBranchProvider}; every setter checks its argument at once. */
    public static final class Builder {
        private String projectId;
        private String parentBranch;
        private String databaseName = "neondb";
        private String roleName = "neondb_owner";
        private URI apiBaseUrl = URI.create(DEFAULT_API_BASE_URL);
        private String apiKey;
        private String apiKeyVariable = DEFAULT_API_KEY_VARIABLE;
        private String prefix = DEFAULT_PREFIX;
        private Instant parentTimestamp;
        private String parentLsn;
        private int maxRetries = 5;
        private Duration retryBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration operationTimeout = Duration.ofMinutes(5);
        private int branchPageSize = 100;
        private Clock clock = Clock.systemUTC();
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /**
         * The Neon project, by its id (Settings page of the project in the Neon Console), e.g.
         * {@code autumn-disk-484331}: 1 to 60 lower-case letters, digits and {@code -}, as Neon's ids are.
         */
        public Builder projectId(String projectId) {
            Objects.requireNonNull(projectId, "projectId");
            if (!PROJECT_ID.matcher(projectId).matches()) {
                throw new ConfigurationException(PROJECT.spelled(projectId) + " is not a Neon project id: Neon's "
                        + "are 1 to 60 lower-case letters, digits and '-'. Give the id from the project's Settings "
                        + "page in the Neon Console, e.g. " + PROJECT.spelled("autumn-disk-484331"));
            }
            this.projectId = projectId;
            return this;
        }

        /** The branch to branch from, by id ({@code br-...}) or name. Default: the project's default branch. */
        public Builder parentBranch(String idOrName) {
            this.parentBranch = requireText(idOrName, "parent branch", "e.g. 'main' or 'br-wispy-dew-591433'");
            return this;
        }

        /** The database to connect to on each branch. Default {@code neondb}. */
        public Builder databaseName(String databaseName) {
            this.databaseName = requireText(databaseName, "database name", "e.g. 'neondb'");
            return this;
        }

        /**
         * The role to connect as on each branch (Neon gives its password with the connection URI). Default
         * {@code neondb_owner}.
         */
        public Builder roleName(String roleName) {
            this.roleName = requireText(roleName, "role name", "e.g. 'neondb_owner'");
            return this;
        }

        /** The Neon API's base URL. Default {@value NeonBranchProvider#DEFAULT_API_BASE_URL}. */
        public Builder apiBaseUrl(String url) {
            Objects.requireNonNull(url, "url");
            URI uri;
            try {
                uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme())
                    || "http".equals(uri.getScheme()))) {
                throw new ConfigurationException("Neon API base URL '" + url + "' is not an http(s) URL: leave the "
                        + "default, " + DEFAULT_API_BASE_URL + ", or give a URL like it");
            }
            this.apiBaseUrl = uri;
            return this;
        }

        /** The API key itself, rather than from the environment. Never logged or shown. */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank()) {
                throw new ConfigurationException("The Neon API key given is blank: pass the key created in the Neon "
                        + "Console (Account settings > API keys), or leave it out to read " + apiKeyVariable);
            }
            this.apiKey = apiKey;
            return this;
        }

        /**
         * The environment variable the API key is read from. Default
         * {@value NeonBranchProvider#DEFAULT_API_KEY_VARIABLE}.
         */
        public Builder apiKeyFromEnvironment(String variable) {
            this.apiKeyVariable = requireText(variable, "environment variable name", "e.g. 'NEON_API_KEY'");
            return this;
        }

        /**
         * The prefix of every branch name, by which leftovers are recognised: lower-case letters, digits, {@code _}
         * and {@code -}, starting with a letter, at most 24 characters. Default
         * {@value NeonBranchProvider#DEFAULT_PREFIX}.
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw new ConfigurationException("Branch prefix '" + prefix + "' is not allowed: use 1 to 24 "
                        + "lower-case letters, digits, '_' and '-', starting with a letter (e.g. 'rehearsal-')");
            }
            this.prefix = prefix;
            return this;
        }

        /** Branch the parent as it was at this time (within the project's history window). Default: its head. */
        public Builder parentTimestamp(Instant timestamp) {
            this.parentTimestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        /** Branch the parent as it was at this LSN, e.g. {@code 0/1AA6408}. Default: its head. */
        public Builder parentLsn(String lsn) {
            Objects.requireNonNull(lsn, "lsn");
            if (!LSN.matcher(lsn).matches()) {
                throw new ConfigurationException("'" + lsn + "' is not an LSN: give one like 0/1AA6408 (see "
                        + "pg_current_wal_lsn() on the parent)");
            }
            this.parentLsn = lsn;
            return this;
        }

        /** How often a request refused with 429, 423 or 5xx is tried again (0 to 10). Default 5. */
        public Builder maxRetries(int retries) {
            this.maxRetries = Ranges.number(MAX_RETRIES, retries, 0, 10);
            return this;
        }

        /**
         * The first pause before a retry, doubled for each further one up to 30 s; a 429's {@code Retry-After}
         * wins (up to 30 s too). Also the first pause between polls of an operation. Default 500 ms.
         */
        public Builder retryBackoff(Duration first) {
            this.retryBackoff = Ranges.duration(RETRY_BACKOFF, first, Duration.ofMillis(1), maxBackoff,
                    "e.g. 500ms");
            return this;
        }

        /** How long to wait for the operations a request starts (creating, restoring, deleting). Default 5 minutes. */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = Ranges.duration(OPERATION_TIMEOUT, timeout, Duration.ofSeconds(1),
                    Duration.ofHours(1), "e.g. 5m");
            return this;
        }

        /** How many branches to ask Neon for at a time when listing them (tests: several pages). Default 100. */
        Builder branchPageSize(int size) {
            this.branchPageSize = Ranges.number(BRANCH_PAGE_SIZE, size, 1, 10_000);
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where environment variables are read (tests). */
        Builder environment(Function<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Checks the configuration and returns the provider; no request is made yet.
         *
         * @throws ConfigurationException when the project id or the API key is missing, or the parent's point in
         *                                time is given twice
         */
        public NeonBranchProvider build() {
            if (projectId == null) {
                throw new ConfigurationException("No Neon project id: give " + PROJECT.spelled()
                        + " the id from the "
                        + "project's Settings page in the Neon Console, e.g. 'autumn-disk-484331'");
            }
            if (parentTimestamp != null && parentLsn != null) {
                throw new ConfigurationException("Both parentTimestamp and parentLsn are set: a branch starts at one "
                        + "point of the parent's history, give one of them");
            }
            String key = apiKey != null ? apiKey : environment.apply(apiKeyVariable);
            if (key == null || key.isBlank()) {
                throw new ConfigurationException("No Neon API key: the environment variable " + apiKeyVariable
                        + " is not set. Create an API key in the Neon Console (Account settings > API keys) and "
                        + "set it in " + apiKeyVariable + " (or name another variable with "
                        + API_KEY_VARIABLE.spelled() + ")");
            }
            String source = apiKey != null ? "NeonBranchProvider.builder().apiKey(...)"
                    : "the environment variable " + apiKeyVariable;
            return new NeonBranchProvider(this, key, source);
        }

        private static String requireText(String value, String what, String example) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new ConfigurationException("The " + what + " is blank: give one, " + example);
            }
            return value;
        }
    }

    /**
     * Makes the provider {@code neon} for the front ends, the API key from {@value #DEFAULT_API_KEY_VARIABLE} or the
     * variable {@link #API_KEY_VARIABLE} names: options {@link #PROJECT} (required), {@link #PARENT_BRANCH},
     * {@link #DATABASE}, {@link #ROLE}, {@link #API_KEY_VARIABLE}, {@link #API_URL}, {@link #MAX_RETRIES},
     * {@link #OPERATION_TIMEOUT}.
     */
    public static final class Factory implements BranchProviderFactory {
        @Override
        public String name() {
            return "neon";
        }

        @Override
        public String description() {
            return "a Neon branch through the Neon API, key from " + DEFAULT_API_KEY_VARIABLE;
        }

        @Override
        public List<Setting> options() {
            return List.of(PROJECT, PARENT_BRANCH, DATABASE, ROLE, API_KEY_VARIABLE, API_URL, MAX_RETRIES,
                    OPERATION_TIMEOUT);
        }

        @Override
        public Class<NeonBranchProvider> providerType() {
            return NeonBranchProvider.class;
        }

        @Override
        public BranchProvider create(Options options) {
            Builder builder = builder();
            options.text(PROJECT).ifPresent(builder::projectId);
            options.text(PARENT_BRANCH).ifPresent(builder::parentBranch);
            options.text(DATABASE).ifPresent(builder::databaseName);
            options.text(ROLE).ifPresent(builder::roleName);
            options.text(API_KEY_VARIABLE).ifPresent(builder::apiKeyFromEnvironment);
            options.text(API_URL).ifPresent(builder::apiBaseUrl);
            options.number(MAX_RETRIES).ifPresent(builder::maxRetries);
            options.duration(OPERATION_TIMEOUT).ifPresent(builder::operationTimeout);
            return builder.build();
        }
    }
}
