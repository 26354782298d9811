package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.TargetInUseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoBranchProviderTest {
    @Test
    void isFoundByItsNameWithTheOptionsOfTheProvidersItChoosesBetween() {
        assertThat(BranchProvider.names()).contains("auto");

        BranchProvider provider = BranchProvider.named("auto", Map.of("clone", "false", "jobs", "2",
                "maintenance-database", "postgres"));

        assertThat(provider).isInstanceOfSatisfying(AutoBranchProvider.class, auto -> {
            assertThat(auto.name()).isEqualTo("auto");
            assertThat(auto.hasBranchServer()).isFalse();
        });
        assertThatThrownBy(() -> BranchProvider.named("auto", Map.of("pool", "tank")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no option 'pool'").hasMessageContaining("server")
                .hasMessageContaining("jobs").hasMessageContaining("clone");
    }

    @Test
    void aBranchServerWithoutItsKeyIsRefusedNamingTheVariableAndNothingIsContacted() {
        String variable = "REHEARSAL_TEST_NO_SUCH_KEY_" + ProcessHandle.current().pid();

        assertThatThrownBy(() -> BranchProvider.named("auto", Map.of("server", "http://localhost:1/api/v2",
                "server-api-key-variable", variable)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No API key for the branch server http://localhost:1/api/v2")
                .hasMessageContaining(variable);
        assertThatThrownBy(() -> AutoBranchProvider.builder().branchServer("ftp://branches"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not an http(s) URL");
    }

    @Test
    void withABranchServerAnExpiryBeyondNeonsLimitIsRefusedWithoutOneAnyExpiry() {
        AutoBranchProvider withServer = AutoBranchProvider.builder().branchServer("http://localhost:1/api/v2")
                .branchServerKey("a-key-of-the-branch-server").build();

        assertThatThrownBy(() -> withServer.validateExpiry(Setting.BRANCH_EXPIRY, Duration.ofDays(31)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("30 days");
        withServer.validateExpiry(Setting.BRANCH_EXPIRY, Duration.ofDays(29));
        AutoBranchProvider.create().validateExpiry(Setting.BRANCH_EXPIRY, Duration.ofDays(90));
    }

    @Test
    void theTemplateProvidersRefusalNamesAutoAndTheBranchServer() {
        String message = new TargetInUseException("shop", List.of(), null).getMessage();

        assertThat(message).contains("auto", "server", "snapshot-copy", "never terminates");
    }
}
