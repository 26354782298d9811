package dev.rehearsal.spring;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.liquibase.LiquibaseEngine;
import java.util.Map;
import liquibase.integration.spring.SpringLiquibase;
import org.springframework.beans.DirectFieldAccessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.StringUtils;

/**
 * Rehearses the update each {@code SpringLiquibase} bean is about to run — Boot's, or one of the application's —
 * with its changelog, contexts, labels, parameters, schemas and tables, then tells it not to run: Rehearsal has
 * applied what it rehearsed (or, rehearsing only, must leave the database alone). Boot has no strategy for
 * Liquibase as it has for Flyway, and {@code SpringLiquibase} is the same class under Boot 3 and Boot 4.
 */
final class RehearsedLiquibase implements BeanPostProcessor {
    private final ObjectProvider<StartupRehearsal> rehearsal;

    RehearsedLiquibase(ObjectProvider<StartupRehearsal> rehearsal) {
        this.rehearsal = rehearsal;
    }

    /** Before its {@code afterPropertiesSet}, where it would update: its properties and resource loader are set. */
    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof SpringLiquibase liquibase && field(liquibase, "shouldRun", Boolean.class, true)) {
            rehearsal.getObject().rehearse(() -> engine(liquibase), liquibase.getDataSource());
            liquibase.setShouldRun(false);
        }
        return bean;
    }

    /** The engine for what {@code liquibase} would update. */
    static LiquibaseEngine engine(SpringLiquibase liquibase) {
        refuse(liquibase.isDropFirst(), "drop-first", "drops everything in the database before updating it");
        refuse(liquibase.isClearCheckSums(), "clear-checksums", "rewrites the database's changelog before updating");
        refuse(liquibase.getTag() != null, "tag", "tags the database after the update");
        refuse(liquibase.isTestRollbackOnUpdate(), "test-rollback-on-update", "rolls the update back and forth");
        refuse(field(liquibase, "rollbackFile", Object.class, null) != null, "rollback-file",
                "writes a rollback script");
        LiquibaseEngine.Builder engine = LiquibaseEngine.configure().changelog(changelog(liquibase.getChangeLog()));
        if (liquibase.getResourceLoader() != null && liquibase.getResourceLoader().getClassLoader() != null) {
            engine.classLoader(liquibase.getResourceLoader().getClassLoader());
        }
        if (StringUtils.hasText(liquibase.getContexts())) {
            engine.contexts(liquibase.getContexts());
        }
        if (StringUtils.hasText(liquibase.getLabelFilter())) {
            engine.labels(liquibase.getLabelFilter());
        }
        Map<?, ?> parameters = field(liquibase, "parameters", Map.class, null);
        if (parameters != null) {
            parameters.forEach((name, value) -> engine.parameter(String.valueOf(name),
                    value == null ? "" : String.valueOf(value)));
        }
        if (StringUtils.hasText(liquibase.getDefaultSchema())) {
            engine.defaultSchema(liquibase.getDefaultSchema());
        }
        if (StringUtils.hasText(liquibase.getLiquibaseSchema())) {
            engine.liquibaseSchema(liquibase.getLiquibaseSchema());
        }
        if (StringUtils.hasText(liquibase.getDatabaseChangeLogTable())) {
            engine.changelogTable(liquibase.getDatabaseChangeLogTable());
        }
        if (StringUtils.hasText(liquibase.getDatabaseChangeLogLockTable())) {
            engine.changelogLockTable(liquibase.getDatabaseChangeLogLockTable());
        }
        if (StringUtils.hasText(liquibase.getLiquibaseTablespace())) {
            engine.setting("liquibaseTablespaceName", liquibase.getLiquibaseTablespace());
        }
        if (liquibase.getAnalyticsEnabled() != null) {
            engine.setting("liquibase.analytics.enabled", liquibase.getAnalyticsEnabled().toString());
        }
        return engine.load();
    }

    /**
     * The changelog as a class path resource, as Liquibase records it: Boot's default is
     * {@code classpath:/db/changelog/db.changelog-master.yaml}, recorded as {@code db/changelog/...}.
     */
    static String changelog(String location) {
        if (location == null || location.isBlank()) {
            throw new ConfigurationException("spring.liquibase.change-log is empty: give the root changelog, e.g. "
                    + "spring.liquibase.change-log=classpath:/db/changelog/db.changelog-master.yaml");
        }
        String path = location.replaceFirst("^classpath\\*?:", "").replaceFirst("^/+", "");
        if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            throw new ConfigurationException("spring.liquibase.change-log=" + location + " is not on the class path: "
                    + "Rehearsal reads changelogs from the application's class path, e.g. "
                    + "spring.liquibase.change-log=classpath:/db/changelog/db.changelog-master.yaml");
        }
        return path;
    }

    /** A Liquibase setting Rehearsal cannot rehearse: refused before anything is done, naming Boot's property. */
    private static void refuse(boolean set, String property, String what) {
        if (set) {
            throw new ConfigurationException("spring.liquibase." + property + " is set: it " + what + ", which "
                    + "Rehearsal cannot rehearse on a branch. Remove it, or migrate without Rehearsal "
                    + "(rehearsal.enabled=false)");
        }
    }

    /** A field SpringLiquibase has no getter for (Boot sets it through its setter). */
    private static <T> T field(SpringLiquibase liquibase, String name, Class<T> type, T otherwise) {
        DirectFieldAccessor fields = new DirectFieldAccessor(liquibase);
        if (!fields.isReadableProperty(name)) {
            return otherwise;
        }
        Object value = fields.getPropertyValue(name);
        return type.isInstance(value) ? type.cast(value) : otherwise;
    }
}
