package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.check.Finding.Severity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyTest {

    @Test
    void defaultsBlockOnDangerAndWarnOnCompatibility() {
        Policy policy = Policy.defaults();

        assertThat(policy.severity(FindingKinds.TABLE_REWRITE, Severity.WARNING)).hasValue(Severity.BLOCKING);
        assertThat(policy.severity(FindingKinds.BLOCKING_LOCK, Severity.WARNING)).hasValue(Severity.BLOCKING);
        assertThat(policy.severity(FindingKinds.DATA_LOSS, Severity.BLOCKING)).hasValue(Severity.BLOCKING);
        assertThat(policy.severity(FindingKinds.BREAKING_CHANGE, Severity.BLOCKING)).hasValue(Severity.WARNING);
        assertThat(policy.severity("a-user-kind", Severity.INFO)).hasValue(Severity.INFO);
        assertThat(policy.lockThreshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.rowsUnderLock()).isEqualTo(100_000);
        assertThat(policy.backfillRows()).isEqualTo(100_000);
        assertThat(policy.deleteFraction()).isEqualTo(0.05);
        assertThat(policy.severity(FindingKinds.NO_LOCK_TIMEOUT, Severity.INFO)).as("the check's, by mode")
                .hasValue(Severity.INFO);
    }

    @Test
    void aDeleteFractionIsANumberOrAPercentageFromNoneToAll() {
        assertThat(Policy.builder().set(Policy.DELETE_FRACTION, " 0.2 ").build().deleteFraction()).isEqualTo(0.2);
        assertThat(Policy.builder().set(Policy.DELETE_FRACTION, "12.5%").build().deleteFraction()).isEqualTo(0.125);
        assertThat(Policy.builder().deleteFraction(0).deleteFraction(1).build().deleteFraction()).isEqualTo(1);
        assertThatThrownBy(() -> Policy.builder().deleteFraction(-0.01)).isInstanceOf(ConfigurationException.class)
                .hasMessage("Policy.builder().deleteFraction(-0.01) is out of range: give a value between 0 and 1, "
                        + "e.g. Policy.builder().deleteFraction(0.05) for 5 %");
        assertThatThrownBy(() -> Policy.builder().deleteFraction(Double.NaN))
                .hasMessageContaining("deleteFraction(NaN) is out of range: give a value between 0 and 1");
        assertThatThrownBy(() -> Policy.builder().set(Policy.DELETE_FRACTION, "1.01"))
                .hasMessageContaining("deleteFraction(1.01) must be between 0 and 1 (or 0% and 100%)");
        assertThatThrownBy(() -> Policy.builder().set(Policy.DELETE_FRACTION, "Infinity"))
                .hasMessage("Policy.builder().deleteFraction(Infinity) is not a fraction: give a number between 0 "
                        + "and 1, e.g. Policy.builder().deleteFraction(0.05) (or Policy.builder().deleteFraction(5%))");
    }

    @Test
    void aPatternSeenOnTooLittleDataStaysInformationWhateverItsKindsSeverityUnlessTheKindIsIgnored() {
        Policy policy = Policy.builder().severity(FindingKinds.ROWS_DELETED, Severity.BLOCKING)
                .ignore(FindingKinds.LARGE_BACKFILL).build();

        assertThat(policy.severity(FindingKinds.BLOCKING_LOCK, Severity.INFO)).hasValue(Severity.INFO);
        assertThat(policy.severity(FindingKinds.ROWS_DELETED, Severity.INFO)).hasValue(Severity.INFO);
        assertThat(policy.severity(FindingKinds.ROWS_DELETED, Severity.WARNING)).hasValue(Severity.BLOCKING);
        assertThat(policy.severity(FindingKinds.LARGE_BACKFILL, Severity.INFO)).isEmpty();
    }

    @Test
    void rejectsBadSettingsWithTheFix() {
        assertThatThrownBy(() -> Policy.builder().severity("Table Rewrite", Severity.INFO))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("kebab-case")
                .hasMessageContaining(FindingKinds.TABLE_REWRITE);
        assertThatThrownBy(() -> Policy.builder().lockThreshold(Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lockThreshold(-1s) is out of range: give a value of at least 0s");
        assertThatThrownBy(() -> Policy.builder().backfillRows(0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 1");
    }

    @Test
    void thresholdsAreSetFromTextAndAMistakeIsSaidInTheBuildersWords() {
        Policy policy = Policy.builder().set(Policy.MIN_ROWS, "1000").set(Policy.LOCK_THRESHOLD, "200ms")
                .set(Policy.ROWS_UNDER_LOCK, " 50_000 ").set(Policy.BACKFILL_ROWS, null).build();

        assertThat(policy.minRows()).isEqualTo(1000);
        assertThat(policy.lockThreshold()).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.rowsUnderLock()).isEqualTo(50_000);
        assertThat(policy.backfillRows()).isEqualTo(100_000);
        assertThatThrownBy(() -> Policy.builder().set(Policy.BACKFILL_ROWS, "lots"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Policy.builder().backfillRows(lots) is not a number of rows: give a whole number, e.g. "
                        + "Policy.builder().backfillRows(10000)");
        assertThatThrownBy(() -> Policy.builder().set(Policy.MIN_ROWS, "-1"))
                .hasMessage("Policy.builder().minRows(-1) is out of range: give a value of at least 0");
        assertThatThrownBy(() -> Policy.builder().set(Policy.SEVERITIES, "rows-deleted=blocking"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
