package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which beans the starter declares, on each Boot generation and with what the application has. */
class RehearsalAutoConfigurationTest {
    /** Boot 4's strategy is on this class path too (the starter compiles against both): each test hides one. */
    private static final String BOOT_3_FLYWAY = "org.springframework.boot.autoconfigure.flyway";
    private static final String BOOT_4_FLYWAY = "org.springframework.boot.flyway";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RehearsalAutoConfiguration.class));

    @Test
    void rehearsesFlywayThroughBoot3sMigrationStrategy() {
        runner.withClassLoader(new FilteredClassLoader(BOOT_4_FLYWAY)).run(context -> {
            assertThat(context).hasSingleBean(
                    org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class);
            assertThat(context).hasSingleBean(RehearsedLiquibase.class);
        });
    }

    @Test
    void rehearsesFlywayThroughBoot4sMigrationStrategy() {
        runner.withClassLoader(new FilteredClassLoader(BOOT_3_FLYWAY)).run(context -> assertThat(context)
                .hasSingleBean(org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy.class)
                .doesNotHaveBean(org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class));
    }

    @Test
    void leavesTheApplicationsOwnStrategyAlone() {
        org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy own = flyway -> { };
        runner.withClassLoader(new FilteredClassLoader(BOOT_4_FLYWAY))
                .withBean(org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class, () -> own)
                .run(context -> assertThat(context.getBean(
                        org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class)).isSameAs(own));
    }

    @Test
    void declaresNoFlywayStrategyWithoutFlyway() {
        runner.withClassLoader(new FilteredClassLoader("org.flywaydb")).run(context -> assertThat(context)
                .doesNotHaveBean(org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class)
                .doesNotHaveBean(org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy.class)
                .hasSingleBean(RehearsedLiquibase.class));
    }

    @Test
    void stepsAsideWhenDisabled() {
        runner.withPropertyValues("rehearsal.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(StartupRehearsal.class)
                .doesNotHaveBean(RehearsedLiquibase.class)
                .doesNotHaveBean(org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy.class));
    }

    @Test
    void bindsTheRehearsalProperties() {
        runner.withPropertyValues("rehearsal.mode=rehearse", "rehearsal.severities.rows-deleted=blocking",
                "rehearsal.branch.provider=snapshot-copy", "rehearsal.branch.options.jobs=4",
                "rehearsal.lock-timeout=2s").run(context -> {
                    RehearsalProperties properties = context.getBean(RehearsalProperties.class);
                    assertThat(properties.getMode()).isEqualTo(RehearsalProperties.Mode.REHEARSE);
                    assertThat(properties.getSeverities()).containsEntry("rows-deleted",
                            RehearsalProperties.SeverityLevel.BLOCKING);
                    assertThat(properties.getBranch().getOptions()).containsEntry("jobs", "4");
                    assertThat(properties.getLockTimeout()).isEqualTo("2s");
                });
    }

    @Test
    void stopsStartUpNamingTheFixWhenTheBuildTookTheAdapterOut() {
        // rehearsal-flyway declared again with <scope>test</scope> by the application's build
        runner.withClassLoader(new FilteredClassLoader(BOOT_4_FLYWAY, "dev.rehearsal.flyway")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(dev.rehearsal.api.ConfigurationException.class)
                    .hasMessageContaining("dev.rehearsal:rehearsal-flyway", "test scope", "rehearsal.enabled=false");
        });
        runner.withClassLoader(new FilteredClassLoader("dev.rehearsal.liquibase")).run(context ->
                assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("dev.rehearsal:rehearsal-liquibase"));
    }
}
