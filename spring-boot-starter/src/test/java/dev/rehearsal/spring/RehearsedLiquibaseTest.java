package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import java.io.File;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;

/** What a SpringLiquibase bean would update becomes the engine Rehearsal rehearses, or is refused up front. */
class RehearsedLiquibaseTest {
    @Test
    void readsTheChangelogAsLiquibaseRecordsIt() {
        assertThat(RehearsedLiquibase.changelog("classpath:/db/changelog/db.changelog-master.yaml"))
                .isEqualTo("db/changelog/db.changelog-master.yaml");
        assertThat(RehearsedLiquibase.changelog("db/changelog/main.xml")).isEqualTo("db/changelog/main.xml");
    }

    @Test
    void refusesAChangelogOutsideTheClassPathNamingBootsProperty() {
        assertThatThrownBy(() -> RehearsedLiquibase.changelog("file:/srv/changelog.yaml"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("spring.liquibase.change-log=file:/srv/changelog.yaml");
    }

    @Test
    void refusesWhatCannotBeRehearsedNamingBootsProperty() {
        SpringLiquibase dropFirst = withChangelog();
        dropFirst.setDropFirst(true);
        SpringLiquibase tagged = withChangelog();
        tagged.setTag("release-7");
        SpringLiquibase rollbackFile = withChangelog();
        rollbackFile.setRollbackFile(new File("rollback.sql"));

        assertThatThrownBy(() -> RehearsedLiquibase.engine(dropFirst)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("spring.liquibase.drop-first is set").hasMessageContaining("rehearsal.enabled");
        assertThatThrownBy(() -> RehearsedLiquibase.engine(tagged)).hasMessageContaining("spring.liquibase.tag");
        assertThatThrownBy(() -> RehearsedLiquibase.engine(rollbackFile))
                .hasMessageContaining("spring.liquibase.rollback-file");
    }

    private static SpringLiquibase withChangelog() {
        SpringLiquibase liquibase = new SpringLiquibase();
        liquibase.setChangeLog("classpath:/db/changelog/db.changelog-master.yaml");
        return liquibase;
    }
}
