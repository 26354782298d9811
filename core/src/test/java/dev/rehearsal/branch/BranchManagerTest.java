package dev.rehearsal.branch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@link BranchManager} refuses before any of it reaches a provider, or a server (there is none here). */
class BranchManagerTest {
    private static final DatabaseLocation NOWHERE = DatabaseLocation.of("jdbc:postgresql://localhost:1/shop", "me",
            null);

    private final BranchManager branches = BranchManager.of(TemplateBranchProvider.create(), NOWHERE);

    @Test
    void refusesANameThatIsNoBranchName() {
        assertThatThrownBy(() -> branches.create("Dev Alice"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Branch name 'Dev Alice' is not allowed: use a lower-case letter followed by up to 62 "
                        + "lower-case letters, digits, '_' or '-', e.g. 'dev-alice'");
        assertThatThrownBy(() -> branches.delete("postgres; DROP")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void refusesAnExpiryOutOfRangeNamingTheRangeAndTheWayOut() {
        assertThatThrownBy(() -> branches.create("dev-alice", Duration.ofDays(100)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("BranchManager's expiresAfter(100d) is out of range: give a value between 1s and 90d, "
                        + "and extend the branch when it needs longer");
        assertThatThrownBy(() -> branches.extend("dev-alice", Duration.ZERO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("between 1s and 90d");
    }

    @Test
    void aRequestForABranchThatNeverExpiresIsRefused() {
        assertThatThrownBy(() -> new BranchRequest(NOWHERE, Duration.ofSeconds(-1), BranchRequest.RUNNER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("branchExpiry(-1s) is out of range: give a value above 0s");
    }
}
