package dev.rehearsal.spring;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.Policy;
import dev.rehearsal.check.SqlAssertions;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.outcome.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;

/**
 * Rehearses each migration Spring Boot runs at start-up, as {@link RehearsalProperties} and the application's
 * {@link RehearsalCustomizer}s say, and keeps the last outcome (for {@code /actuator/rehearsal}). A verdict that is
 * no success stops start-up: the exception carries the outcome, which the starter's failure analyzer shows.
 */
public final class StartupRehearsal {
    private final RehearsalProperties properties;
    private final List<RehearsalCustomizer> customizers;
    private final ResourcePatternResolver resources;
    private final AtomicReference<Outcome> last = new AtomicReference<>();

    StartupRehearsal(RehearsalProperties properties, List<RehearsalCustomizer> customizers,
                     ResourceLoader resources) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.customizers = List.copyOf(customizers);
        this.resources = ResourcePatternUtils.getResourcePatternResolver(resources);
    }

    /** The outcome of the last rehearsal of this application, if one ran. */
    public Optional<Outcome> lastOutcome() {
        return Optional.ofNullable(last.get());
    }

    /**
     * Rehearses what {@code engine} has pending on {@code target} and, in {@link RehearsalProperties.Mode#RUN},
     * migrates the target when nothing failed or blocked. Messages name settings as Spring properties.
     *
     * @throws dev.rehearsal.outcome.RehearsalFailedException when the verdict is no success (it carries the outcome)
     * @throws dev.rehearsal.api.RehearsalException when the run could not be made (configuration, branch, database)
     */
    Outcome rehearse(Supplier<MigrationEngine> engine, DataSource target) {
        return SettingNames.using(SpringSettingNames.INSTANCE, () -> {
            Rehearsal.Builder builder = Rehearsal.configure().target(target).engine(engine.get());
            configure(builder);
            customizers.forEach(customizer -> customizer.customize(builder));
            Rehearsal rehearsal = builder.load();
            Outcome outcome = properties.getMode() == RehearsalProperties.Mode.REHEARSE ? rehearsal.rehearse()
                    : rehearsal.run();
            last.set(outcome);
            return outcome.orThrow();
        });
    }

    /** The properties, onto the builder; run where messages name Spring properties. */
    private void configure(Rehearsal.Builder builder) {
        RehearsalProperties.Branch branch = properties.getBranch();
        if (branch.getProvider() != null || !branch.getOptions().isEmpty()) {
            builder.branchProvider(BranchProvider.named(branch.getProvider(), branch.getOptions()));
        }
        if (properties.getLockRetries() != null) {
            builder.lockRetries(properties.getLockRetries());
        }
        builder.set(Setting.KEEP_FAILED_BRANCH, properties.getKeepFailedBranch())
                .set(Setting.BRANCH_EXPIRY, properties.getBranchExpiry())
                .set(Setting.LOCK_TIMEOUT, properties.getLockTimeout())
                .set(Setting.RETRY_BACKOFF, properties.getRetryBackoff())
                .set(Setting.STATEMENT_TIMEOUT, properties.getStatementTimeout())
                .set(Setting.WAIT_FOR_OTHER_RUNNERS, properties.getWaitForOtherRunners())
                .set(Setting.LOCK_DATABASE, properties.getLockDatabase())
                .reapOrphans(properties.isReapOrphans())
                .policy(policy());
        if (properties.getReport().getJson() != null) {
            builder.reportTo(Path.of(properties.getReport().getJson()));
        }
        if (properties.getReport().getMarkdown() != null) {
            builder.markdownReportTo(Path.of(properties.getReport().getMarkdown()));
        }
        if (properties.getReport().getHtml() != null) {
            builder.htmlReportTo(Path.of(properties.getReport().getHtml()));
        }
        if (properties.getProductionSizes() != null) {
            builder.productionSizes(Path.of(properties.getProductionSizes()));
        }
        if (properties.getProductionUrl() != null) {
            builder.productionSizesFrom(properties.getProductionUrl(), properties.getProductionUsername(),
                    properties.getProductionPassword());
        }
        builder.runningQueries(properties.isRunningQueries());
        if (properties.getQueriesFile() != null) {
            builder.runningQueriesFrom(Path.of(properties.getQueriesFile()));
        }
        for (String location : properties.getAssertions()) {
            builder.check(location.startsWith("classpath:") ? assertions(location)
                    : SqlAssertions.fromDirectory(Path.of(location.replaceFirst("^filesystem:", ""))));
        }
    }

    /**
     * The {@code *.sql} files at a class path location, in name order, read the way Spring reads resources: from
     * directories, jars and the nested jars of an executable Boot jar alike.
     */
    private SqlAssertions assertions(String location) {
        String directory = location.substring("classpath:".length()).replaceAll("^/+|/+$", "");
        Map<String, String> queries = new TreeMap<>();
        try {
            for (Resource resource : resources.getResources("classpath*:" + directory + "/*.sql")) {
                queries.putIfAbsent(resource.getFilename(), resource.getContentAsString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new ConfigurationException(SqlAssertions.DIRECTORY.spelled(location) + ": cannot read the "
                    + "assertions: " + e.getMessage(), e);
        }
        if (queries.isEmpty()) {
            throw new ConfigurationException(SqlAssertions.DIRECTORY.spelled(location) + ": there is no *.sql file "
                    + "at classpath:" + directory + ": give the class path directory of your SQL assertions, e.g. "
                    + SqlAssertions.DIRECTORY.spelled("classpath:db/assertions"));
        }
        return SqlAssertions.of(queries);
    }

    private Policy policy() {
        Policy.Builder policy = Policy.builder();
        properties.getSeverities().forEach((kind, level) -> {
            if (level == RehearsalProperties.SeverityLevel.IGNORE) {
                policy.ignore(kind);
            } else {
                policy.severity(kind, Severity.valueOf(level.name().toUpperCase(Locale.ROOT)));
            }
        });
        return policy.set(Policy.MIN_ROWS, properties.getMinRows())
                .set(Policy.LOCK_THRESHOLD, properties.getLockThreshold())
                .set(Policy.ROWS_UNDER_LOCK, properties.getRowsUnderLock())
                .set(Policy.BACKFILL_ROWS, properties.getBackfillRows())
                .set(Policy.DELETE_FRACTION, properties.getDeleteFraction())
                .build();
    }
}
