package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.testing.UnreachedEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The configuration is checked before anything touches a database (none is reachable here). */
class RehearsalTest {
    private static final String UNREACHABLE = "jdbc:postgresql://db.invalid:5432/shop";
    private static final MigrationEngine ENGINE = new UnreachedEngine();

    @Test
    void loadWithoutATargetSaysHowToGiveOne() {
        assertThatThrownBy(() -> Rehearsal.configure().engine(ENGINE).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No target configured")
                .hasMessageContaining("give the database to migrate with target(jdbcUrl, user, password) or "
                        + "target(dataSource)");
    }

    @Test
    void loadWithoutAnEngineSaysHowToGiveOne() {
        assertThatThrownBy(() -> Rehearsal.configure().target(UNREACHABLE, "app", null).load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No migration engine configured")
                .hasMessageContaining("give the migrations with engine(...), e.g. "
                        + "engine(FlywayEngine.of(flywayConfiguration))");
    }

    @Test
    void loadWithTargetAndEngineNeedsNoDatabase() {
        assertThat(Rehearsal.configure().target(UNREACHABLE, "app", null).engine(ENGINE).load()).isNotNull();
    }

    @Test
    void aReportThatCannotBeWrittenStopsTheRunBeforeTheTargetIsReached(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("target"), "a file where a directory should be");
        Rehearsal json = Rehearsal.configure().target(UNREACHABLE, "app", null).engine(ENGINE)
                .reportTo(file.resolve("report.json")).load();
        Rehearsal markdown = Rehearsal.configure().target(UNREACHABLE, "app", null).engine(ENGINE)
                .markdownReportTo(directory).load();

        assertThatThrownBy(json::run).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("reportTo(...) " + file.resolve("report.json"))
                .hasMessageContaining(file + " is not a directory");
        assertThatThrownBy(markdown::rehearse).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("markdownReportTo(...) " + directory)
                .hasMessageContaining(directory + " is a directory");
    }

    @Test
    void anInvalidTargetUrlIsRejectedWhenItIsGiven() {
        assertThatThrownBy(() -> Rehearsal.configure().target("jdbc:mysql://db/shop", "app", null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Rehearsal works on PostgreSQL only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1H", "P31D"})
    void keepFailedBranchOutsideOneSecondToThirtyDaysIsRejected(String duration) {
        assertThatThrownBy(() -> Rehearsal.configure().keepFailedBranch(Duration.parse(duration)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is out of range: give a value between 1s and 30d");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1H", "P31D"})
    void branchExpiryOutsideOneSecondToThirtyDaysIsRejected(String duration) {
        assertThatThrownBy(() -> Rehearsal.configure().branchExpiry(Duration.parse(duration)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("give a value between 1s and 30d");
    }

    @Test
    void aDataSourceThatExposesNoUrlIsRejectedWithTheAlternative() {
        DataSource opaque = new OpaqueDataSource();

        assertThatThrownBy(() -> Rehearsal.configure().target(opaque))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(OpaqueDataSource.class.getName())
                .hasMessageContaining("use target(jdbcUrl, user, password) instead of target(dataSource)");
    }

    /** A DataSource without URL getters, like a JNDI proxy. */
    private static final class OpaqueDataSource implements DataSource {
        @Override
        public Connection getConnection() {
            throw new AssertionError("not called");
        }

        @Override
        public Connection getConnection(String username, String password) {
            throw new AssertionError("not called");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new AssertionError("not called");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    @org.junit.jupiter.api.Test
    void rejectsANegativeWaitForOtherRunnersAndABlankLockDatabase() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rehearsal.configure()
                        .waitForOtherRunners(java.time.Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("or 0s not to wait");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Rehearsal.configure().lockDatabase(" "))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("e.g. lockDatabase(postgres)");
    }
}
