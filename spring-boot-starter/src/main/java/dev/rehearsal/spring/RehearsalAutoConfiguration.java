package dev.rehearsal.spring;

import dev.rehearsal.api.ConfigurationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Rehearses every migration Spring Boot runs at start-up: Flyway's, through Boot's {@code FlywayMigrationStrategy},
 * and Liquibase's, before each {@code SpringLiquibase} bean runs its update. Off with {@code rehearsal.enabled=false}.
 *
 * <p>Boot 4 moved {@code FlywayMigrationStrategy} from {@code org.springframework.boot.autoconfigure.flyway} to
 * {@code org.springframework.boot.flyway.autoconfigure}: one small configuration per generation declares the
 * strategy, each only when its interface is on the class path, and both hand the migration to
 * {@link RehearsedFlyway}. Liquibase's {@code SpringLiquibase} and everything else the starter uses are the same on
 * both generations.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnProperty(prefix = "rehearsal", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(RehearsalProperties.class)
public class RehearsalAutoConfiguration {
    static final Adapter FLYWAY_ADAPTER = new Adapter("dev.rehearsal.flyway.FlywayEngine", "rehearsal-flyway",
            "Flyway");
    static final Adapter LIQUIBASE_ADAPTER = new Adapter("dev.rehearsal.liquibase.LiquibaseEngine",
            "rehearsal-liquibase", "Liquibase");

    /**
     * An adapter the starter brings.
     *
     * @param engine   its engine's class name
     * @param artifact its artifact in the {@code dev.rehearsal} group
     * @param tool     the migration tool it drives
     */
    record Adapter(String engine, String artifact, String tool) {
    }

    /**
     * Stops start-up, naming the fix, when the adapter the starter brings is missing: a build that declares it again
     * with test scope (for its tests' {@code FlywayEngine}) or excludes it takes it out of the application, and Boot's
     * migration would otherwise fail with a {@code NoClassDefFoundError} deep in its stack.
     */
    static void requireAdapter(Adapter adapter, ResourceLoader resources) {
        if (!ClassUtils.isPresent(adapter.engine(), resources.getClassLoader())) {
            throw new ConfigurationException("Rehearsal's " + adapter.tool() + " adapter (dev.rehearsal:"
                    + adapter.artifact() + ") is not on the application's class path, so Boot's " + adapter.tool()
                    + " migrations cannot be rehearsed. The starter brings it: check that the build does not declare "
                    + adapter.artifact() + " again with test scope (or exclude it), or set rehearsal.enabled=false to "
                    + "let Boot migrate without Rehearsal");
        }
    }

    @Bean
    @ConditionalOnMissingBean
    StartupRehearsal startupRehearsal(RehearsalProperties properties, ObjectProvider<RehearsalCustomizer> customizers,
                                      ResourceLoader resources) {
        return new StartupRehearsal(properties, customizers.orderedStream().toList(), resources);
    }

    /** Spring Boot 3: {@code org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.flywaydb.core.Flyway",
            "org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy"})
    static class FlywayOnBoot3 {
        /** The application's own strategy wins: its migrations are then not rehearsed. */
        @Bean
        @ConditionalOnMissingBean(org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class)
        org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy rehearsedBoot3FlywayMigration(
                StartupRehearsal rehearsal, ResourceLoader resources) {
            requireAdapter(FLYWAY_ADAPTER, resources);
            return flyway -> RehearsedFlyway.migrate(rehearsal, flyway);
        }
    }

    /** Spring Boot 4: {@code org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.flywaydb.core.Flyway",
            "org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy"})
    static class FlywayOnBoot4 {
        /** The application's own strategy wins: its migrations are then not rehearsed. */
        @Bean
        @ConditionalOnMissingBean(org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy.class)
        org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy rehearsedFlywayMigration(
                StartupRehearsal rehearsal, ResourceLoader resources) {
            requireAdapter(FLYWAY_ADAPTER, resources);
            return flyway -> RehearsedFlyway.migrate(rehearsal, flyway);
        }
    }

    /** Every {@code SpringLiquibase} bean, Boot's or the application's. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "liquibase.integration.spring.SpringLiquibase")
    static class LiquibaseConfiguration {
        /** Static: a post-processor is made before the other beans, the rehearsal only when a SpringLiquibase is. */
        @Bean
        static RehearsedLiquibase rehearsedLiquibase(ObjectProvider<StartupRehearsal> rehearsal,
                                                     ResourceLoader resources) {
            requireAdapter(LIQUIBASE_ADAPTER, resources);
            return new RehearsedLiquibase(rehearsal);
        }
    }

    /**
     * The application's JPA entities checked against the migrated branch, where Hibernate and Spring's JPA support
     * are (Boot's JPA auto-configuration defines the {@code PersistenceManagedTypes} the check reads). Off with
     * {@code rehearsal.entities.enabled=false}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.hibernate.boot.MetadataSources",
            "org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes"})
    @ConditionalOnProperty(prefix = "rehearsal.entities", name = "enabled", matchIfMissing = true)
    static class EntitiesConfiguration {
        @Bean
        RehearsalCustomizer rehearsedEntities(
                ObjectProvider<org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes> managedTypes,
                ListableBeanFactory beans, Environment environment, ResourceLoader resources) {
            return new RehearsedEntities(managedTypes, beans, environment, resources.getClassLoader());
        }
    }

    /** {@code /actuator/rehearsal}, where Actuator is and the endpoint is exposed. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
            "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint(RehearsalEndpoint.class)
        RehearsalEndpoint rehearsalEndpoint(StartupRehearsal rehearsal) {
            return new RehearsalEndpoint(rehearsal);
        }
    }
}
