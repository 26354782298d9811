package dev.rehearsal.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.branch.copy.AutoBranchProvider;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BranchProvidersTest {
    /** A front end that writes settings as command-line options, as the CLI does. */
    private static final SettingNames OPTIONS = new SettingNames() {
        @Override
        public String name(Setting setting) {
            return setting.scope() == Setting.Scope.BRANCH_OPTION ? "--branch-option " + setting.name()
                    : "--" + setting.name();
        }

        @Override
        public String assignment(Setting setting, String value) {
            return setting.scope() == Setting.Scope.BRANCH_OPTION ? "--branch-option " + setting.name() + "="
                    + value : name(setting) + " " + value;
        }
    };

    @TempDir
    Path jar;

    @Test
    void theTemplateProviderIsTheDefault() {
        assertThat(BranchProvider.named(null, Map.of())).isInstanceOf(TemplateBranchProvider.class);
        assertThat(BranchProvider.named(" Template ", Map.of("clone", "false")))
                .isInstanceOf(TemplateBranchProvider.class);
    }

    @Test
    void snapshotCopyAndNeonAreChosenByNameWithTheirOptions() {
        assertThat(BranchProvider.named("snapshot-copy", Map.of("jobs", "4", "schema-only", "true")))
                .isInstanceOf(SnapshotCopyBranchProvider.class);
        assertThat(BranchProvider.named("neon", Map.of("project", "autumn-disk-484331", "api-key-variable",
                "PATH"))).isInstanceOf(NeonBranchProvider.class);
    }

    @Test
    void aFactoryTakesTheListenerOfItsOwnTypeAndNoOther() {
        SnapshotCopyBranchProvider.CopyProgress.Listener progress = p -> { };
        BranchProviderFactory.Options options = new BranchProviderFactory.Options("snapshot-copy", List.of(),
                Map.of(), List.of("not a listener", progress));

        assertThat(options.listener(SnapshotCopyBranchProvider.CopyProgress.Listener.class)).containsSame(progress);
        assertThat(options.listener(Runnable.class)).isEmpty();
        assertThat(new BranchProviderFactory.Options("template", List.of(), Map.of()).listener(Object.class))
                .isEmpty();
        assertThat(BranchProvider.named("auto", Map.of(), List.of(progress))).isInstanceOf(AutoBranchProvider.class);
    }

    @Test
    void theBuiltInProvidersAreFoundThroughTheirServiceFile() {
        assertThat(BranchProvider.names()).containsExactly("template", "snapshot-copy", "neon", "auto");
        assertThat(BranchProviderFactory.all()).extracting(BranchProviderFactory::providerType)
                .containsExactly(TemplateBranchProvider.class, SnapshotCopyBranchProvider.class,
                        NeonBranchProvider.class, AutoBranchProvider.class);
    }

    @Test
    void anUnknownProviderOrOptionIsNamedWithWhatThereIs() {
        assertThatThrownBy(() -> BranchProvider.named("zfs", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown branch provider 'zfs': use one of [template, snapshot-copy, neon, auto]");
        assertThatThrownBy(() -> BranchProvider.named("snapshot-copy", Map.of("threads", "4")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("The snapshot-copy branch provider has no option 'threads': its options are [jobs, "
                        + "maintenance-database, pg-dump, pg-restore, sample, schema-only, work-directory]");
    }

    @Test
    void badValuesSayWhatIsExpected() {
        assertThatThrownBy(() -> BranchProvider.named("snapshot-copy", Map.of("jobs", "four")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'jobs' is a whole number, not 'four'");
        assertThatThrownBy(() -> BranchProvider.named("template", Map.of("clone", "yes")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'clone' is true or false, not 'yes'");
        assertThatThrownBy(() -> BranchProvider.named("neon", Map.of("project", "autumn-disk-484331",
                "api-key-variable", "REHEARSAL_SURELY_UNSET_VARIABLE")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No Neon API key");
        assertThatThrownBy(() -> BranchProvider.named("neon", Map.of("api-key-variable", "PATH")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No Neon project id");
    }

    @Test
    void messagesAboutOptionsUseTheFrontEndsWords() {
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> BranchProvider.named("snapshot-copy",
                Map.of("jobs", "four"))))
                .hasMessage("--branch-option jobs=four: the snapshot-copy branch provider's option 'jobs' is a whole "
                        + "number, not 'four'");
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> BranchProvider.named("snapshot-copy",
                Map.of("jobs", "100"))))
                .hasMessage("--branch-option jobs=100 is out of range: give a value from 1 to 64, about the number "
                        + "of cores the source and destination servers can spare");
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> BranchProvider.named("neon",
                Map.of("project", "p", "max-retries", "11"))))
                .hasMessage("--branch-option max-retries=11 is out of range: give a value from 0 to 10");
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> BranchProvider.named("neon",
                Map.of("project", "p", "operation-timeout", "2h"))))
                .hasMessage("--branch-option operation-timeout=2h is out of range: give a value between 1s and 1h, "
                        + "e.g. 5m");
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> BranchProvider.named("template",
                Map.of("clone", " "))))
                .hasMessage("--branch-option clone=: The template branch provider's option 'clone' has no value: "
                        + "give one, or leave the option out");
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> BranchProvider.named("zfs", Map.of())))
                .hasMessageStartingWith("--branchProvider zfs: Unknown branch provider 'zfs'");
    }

    @Test
    void aProviderInAJarOnTheContextClassLoaderIsFoundByName() throws Exception {
        try (URLClassLoader loader = providerJar()) {
            BranchProvider provider = withContext(loader, () -> BranchProvider.named("Unmanaged",
                    Map.of("colour", "green")));
            assertThat(provider).isEqualTo(new UnmanagedBranchProviderFactory.UnmanagedBranchProvider("green"));
            assertThatThrownBy(() -> withContext(loader, () -> BranchProvider.named("zfs", Map.of())))
                    .hasMessage("Unknown branch provider 'zfs': use one of [template, snapshot-copy, neon, "
                            + "auto, unmanaged]");
            assertThatThrownBy(() -> withContext(loader, () -> BranchProvider.named("unmanaged",
                    Map.of("color", "green"))))
                    .hasMessage("The unmanaged branch provider has no option 'color': its options are [colour]");
        }
        assertThat(BranchProvider.names()).doesNotContain("unmanaged");
    }

    @Test
    void aServiceFileNamingAMissingClassIsRefusedNamingTheServiceFile() throws Exception {
        try (URLClassLoader loader = jarListing("dev.rehearsal.branch.NoSuchFactory")) {
            assertThatThrownBy(() -> withContext(loader, () -> BranchProvider.named("template", Map.of())))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("dev.rehearsal.branch.NoSuchFactory")
                    .hasMessageContaining("META-INF/services/dev.rehearsal.branch.BranchProviderFactory");
        }
    }

    @Test
    void branchManagementIsRefusedForAProviderWithoutItNamingTheOnesThatHaveIt() throws Exception {
        try (URLClassLoader loader = providerJar()) {
            BranchProvider provider = withContext(loader, () -> BranchProvider.named("unmanaged", Map.of()));
            assertThatThrownBy(() -> withContext(loader, () -> BranchManager.of(provider,
                    dev.rehearsal.api.DatabaseLocation.of("jdbc:postgresql://localhost/shop", "me", null))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("The 'unmanaged' branch provider cannot manage named branches (create, list, reset, "
                            + "extend, delete): choose one that can with branchProvider(...), one of [template, "
                            + "snapshot-copy, neon, auto]");
        }
    }

    /** A class loader like that of a user's jar: its service file lists the test's factory. */
    private URLClassLoader providerJar() throws IOException {
        return jarListing(UnmanagedBranchProviderFactory.class.getName());
    }

    private URLClassLoader jarListing(String factory) throws IOException {
        Path services = Files.createDirectories(jar.resolve("META-INF/services"));
        Files.writeString(services.resolve(BranchProviderFactory.class.getName()), factory + "\n");
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
    }

    private static <T> T withContext(ClassLoader loader, Callable<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
