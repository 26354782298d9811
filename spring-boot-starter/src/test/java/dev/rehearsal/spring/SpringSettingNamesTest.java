package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.check.Policy;
import dev.rehearsal.flyway.FlywaySettings;
import dev.rehearsal.liquibase.LiquibaseSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Messages name the line of application.properties that fixes them. */
class SpringSettingNamesTest {
    private final SpringSettingNames names = SpringSettingNames.INSTANCE;

    @Test
    void namesRehearsalsSettingsAsKebabCaseRehearsalProperties() {
        assertThat(Setting.LOCK_TIMEOUT.spelled()).isEqualTo("lockTimeout(...)");
        assertThat(SettingNames.using(names, () -> Setting.LOCK_TIMEOUT.spelled("5s")))
                .isEqualTo("rehearsal.lock-timeout=5s");
        assertThat(names.name(Setting.WAIT_FOR_OTHER_RUNNERS)).isEqualTo("rehearsal.wait-for-other-runners");
        assertThat(names.name(Setting.KEEP_FAILED_BRANCH)).isEqualTo("rehearsal.keep-failed-branch");
        assertThat(names.name(Setting.BRANCH_PROVIDER)).isEqualTo("rehearsal.branch.provider");
        assertThat(names.name(Setting.REPORT)).isEqualTo("rehearsal.report.json");
        assertThat(names.name(Setting.HTML_REPORT)).isEqualTo("rehearsal.report.html");
        assertThat(names.name(Policy.MIN_ROWS)).isEqualTo("rehearsal.min-rows");
    }

    @Test
    void namesASeverityByItsKind() {
        assertThat(names.assignment(Policy.SEVERITIES, "rows-deleted=blocking"))
                .isEqualTo("rehearsal.severities.rows-deleted=blocking");
    }

    @Test
    void namesBranchOptionsUnderRehearsalBranchOptions() {
        assertThat(names.assignment(SnapshotCopyBranchProvider.JOBS, "4")).isEqualTo("rehearsal.branch.options.jobs=4");
    }

    @Test
    void namesFlywaysAndLiquibasesSettingsAsBootsProperties() {
        assertThat(names.assignment(FlywaySettings.BASELINE_ON_MIGRATE, "true"))
                .isEqualTo("spring.flyway.baseline-on-migrate=true");
        assertThat(names.name(FlywaySettings.LOCATIONS)).isEqualTo("spring.flyway.locations");
        assertThat(names.name(LiquibaseSettings.CHANGELOG_FILE)).isEqualTo("spring.liquibase.change-log");
        assertThat(names.name(LiquibaseSettings.LABELS)).isEqualTo("spring.liquibase.label-filter");
        assertThat(names.name(LiquibaseSettings.DATABASE_CHANGELOG_TABLE_NAME))
                .isEqualTo("spring.liquibase.database-change-log-table");
    }

    @Test
    void namesTheDataSourceForTheTarget() {
        assertThat(names.name(Setting.TARGET)).startsWith("spring.datasource.url");
        assertThat(names.assignment(Setting.USER, "app")).isEqualTo("spring.datasource.username=app");
    }

    @Test
    void aBadValueIsReportedAsThePropertyThatHoldsIt() {
        assertThatThrownBy(() -> SettingNames.using(names,
                () -> Rehearsal.configure().set(Setting.LOCK_TIMEOUT, "2h")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rehearsal.lock-timeout=2h");
        assertThatThrownBy(() -> SettingNames.using(names,
                () -> BranchProvider.named("snapshot-copy", Map.of("jobs", "many"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rehearsal.branch.options.jobs");
    }
}
