package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateBranchProviderTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "Rehearsal_", "1st_", "_rehearsal", "re-hearsal_", "re hearsal", "rehearsal\"; --",
            "a_prefix_of_twenty_five_x"})
    void rejectsAPrefixThatIsNotASafeLowerCaseIdentifier(String prefix) {
        assertThatThrownBy(() -> TemplateBranchProvider.builder().prefix(prefix))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'" + prefix + "' is not allowed")
                .hasMessageContaining("1 to 24 lower-case letters, digits and underscores, starting with a letter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"r", "ci_rehearsal_", "a_prefix_of_twenty_four_"})
    void acceptsLowerCasePrefixesUpTo24Characters(String prefix) {
        assertThat(TemplateBranchProvider.builder().prefix(prefix).build().prefix()).isEqualTo(prefix);
    }

    @Test
    void rejectsABlankMaintenanceDatabase() {
        assertThatThrownBy(() -> TemplateBranchProvider.builder().maintenanceDatabase(" "))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("e.g. 'postgres'");
    }

    @Test
    void branchNameIsPrefixParentStampAndRandomSuffixWithinSixtyThreeBytes() {
        TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("a_prefix_of_twenty_four_").build();
        Instant created = Instant.parse("2026-11-23T21:53:01Z");

        String name = provider.branchName("Ünïcödé Shop \"Prod\"; DROP TABLE customers; " + "x".repeat(80), created);

        // the parent's part is what is left of 63 bytes: shortened, never the prefix, stamp or random part
        assertThat(name).matches("a_prefix_of_twenty_four_n_c_d_shop_prod__20261123T215301_[a-z0-9]{6}");
        assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(63);
        assertThat(provider.branchName("shop", created)).isNotEqualTo(provider.branchName("shop", created));
    }
}
