package dev.rehearsal.branch.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Configuration and connection URIs, without any API. */
class NeonBranchProviderTest {
    private static final String KEY = "napi_secret0123456789abcdef";

    @Test
    void turnsAConnectionUriIntoALocationThatNeverShowsThePassword() {
        DatabaseLocation location = ConnectionUris.toLocation("postgresql://neondb_owner:p%40ss%2Bw%3Ard"
                + "@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require");

        assertThat(location.redactedUrl())
                .isEqualTo("jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432/neondb?sslmode=require");
        assertThat(location.user()).isEqualTo("neondb_owner");
        assertThat(location.hasPassword()).isTrue();
        assertThat(location).isEqualTo(DatabaseLocation.of(location.redactedUrl(), "neondb_owner", "p@ss+w:rd"));
        assertThat(location.toString()).doesNotContain("p@ss", "p%40ss");
    }

    @Test
    void aConnectionUriThatCannotBeReadIsRefusedWithoutQuotingIt() {
        assertThat(catchThrowable(() -> ConnectionUris.toLocation("mysql://root:hunter2@db/x")))
                .isInstanceOf(NeonApiException.class).hasMessageNotContaining("hunter2")
                .hasMessageContaining("not of the form postgresql://");
    }

    @Test
    void namesTheEnvironmentVariableWhenNoApiKeyIsFound() {
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId("autumn-disk-484331")
                .environment(variable -> null).build()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the environment variable NEON_API_KEY is not set")
                .hasMessageContaining("NeonBranchProvider.builder().apiKeyFromEnvironment(...)");
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId("autumn-disk-484331")
                .apiKeyFromEnvironment("CI_NEON_KEY").environment(variable -> null).build()))
                .hasMessageContaining("CI_NEON_KEY is not set");
    }

    @Test
    void checksEverySettingAtOnceAndKeepsTheKeyOutOfToString() {
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId("a/b")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Settings page");
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().apiBaseUrl("ftp://example.com")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not an http(s) URL");
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().parentLsn("yesterday")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("0/1AA6408");
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId("p").apiKey(KEY)
                .parentLsn("0/1AA6408").parentTimestamp(Instant.now()).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("give one of them");
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId("p")))
                .isNull();
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().apiKey(KEY).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("No Neon project id");

        NeonBranchProvider provider = NeonBranchProvider.builder().projectId("autumn-disk-484331").apiKey(KEY).build();
        assertThat(provider.toString()).contains("autumn-disk-484331", "apiKey(...)").doesNotContain(KEY);
        assertThat(provider.name()).isEqualTo("neon");
        assertThat(provider.prefix()).isEqualTo(NeonBranchProvider.DEFAULT_PREFIX);
    }
}
