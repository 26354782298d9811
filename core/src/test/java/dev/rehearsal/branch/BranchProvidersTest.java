package dev.rehearsal.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BranchProvidersTest {
    @Test
    void theTemplateProviderIsTheDefault() {
        assertThat(BranchProviders.named(null, Map.of())).isInstanceOf(TemplateBranchProvider.class);
        assertThat(BranchProviders.named(" Template ", Map.of("clone", "false")))
                .isInstanceOf(TemplateBranchProvider.class);
    }

    @Test
    void snapshotCopyAndNeonAreChosenByNameWithTheirOptions() {
        assertThat(BranchProviders.named("snapshot-copy", Map.of("jobs", "4", "schema-only", "true")))
                .isInstanceOf(SnapshotCopyBranchProvider.class);
        assertThat(BranchProviders.named("neon", Map.of("project", "autumn-disk-484331", "api-key-variable",
                "PATH"))).isInstanceOf(NeonBranchProvider.class);
    }

    @Test
    void anUnknownProviderOrOptionIsNamedWithWhatThereIs() {
        assertThatThrownBy(() -> BranchProviders.named("zfs", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown branch provider 'zfs': use one of [template, snapshot-copy, neon]");
        assertThatThrownBy(() -> BranchProviders.named("snapshot-copy", Map.of("threads", "4")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The snapshot-copy branch provider has no option 'threads': its options are [jobs, "
                        + "maintenance-database, pg-dump, pg-restore, sample, schema-only, work-directory]");
    }

    @Test
    void badValuesSayWhatIsExpected() {
        assertThatThrownBy(() -> BranchProviders.named("snapshot-copy", Map.of("jobs", "four")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'jobs' is a whole number, not 'four'");
        assertThatThrownBy(() -> BranchProviders.named("template", Map.of("clone", "yes")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'clone' is true or false, not 'yes'");
        assertThatThrownBy(() -> BranchProviders.named("neon", Map.of("project", "autumn-disk-484331",
                "api-key-variable", "REHEARSAL_SURELY_UNSET_VARIABLE")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No Neon API key");
        assertThatThrownBy(() -> BranchProviders.named("neon", Map.of("api-key-variable", "PATH")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No Neon project id");
    }
}
