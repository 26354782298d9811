package dev.rehearsal.branch.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.testing.ScriptEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration and connection URIs, without any API. */
class NeonBranchProviderTest {
    private static final String KEY = "napi_secret0123456789abcdef";

    @Test
    void turnsAConnectionUriIntoALocationThatNeverShowsThePassword() {
        DatabaseLocation location = ConnectionUris.toLocation("postgresql://neondb_owner:p%40ss%2Bw%3Ard"
                + "@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require");

        assertThat(location.redactedUrl())
                .isEqualTo("jdbc:postgresql://ep-cool-darkness-123456.us-east-2.aws.neon.tech:5432/neondb"
                        + "?channelBinding=require&sslmode=require");
        assertThat(location.user()).isEqualTo("neondb_owner");
        assertThat(location.hasPassword()).isTrue();
        assertThat(location).isEqualTo(DatabaseLocation.of(location.redactedUrl(), "neondb_owner", "p@ss+w:rd"));
        assertThat(location.toString()).doesNotContain("p@ss", "p%40ss");
    }

    @Test
    void aUriWithoutAPasswordGetsTheParentsWhenItsRoleIsTheParentsAndOnlyThen() {
        DatabaseLocation parent = DatabaseLocation.of("jdbc:postgresql://db.internal/shop", "app", "s3cret");
        DatabaseLocation ofAServer = ConnectionUris.toLocation("postgresql://app@branches.internal:40123/shop");
        DatabaseLocation otherRole = ConnectionUris.toLocation("postgresql://reader@branches.internal:40123/shop");
        DatabaseLocation ofNeon = ConnectionUris.toLocation("postgresql://app:own@ep-x.neon.tech/shop");

        assertThat(ofAServer.hasPassword()).isFalse();
        DatabaseLocation completed = NeonProject.withPasswordOf(ofAServer, parent);
        assertThat(completed.hasPassword()).isTrue();
        assertThat(completed.redactedUrl()).isEqualTo("jdbc:postgresql://branches.internal:40123/shop")
                .doesNotContain("s3cret");
        assertThat(completed.toString()).doesNotContain("s3cret");
        assertThat(NeonProject.withPasswordOf(otherRole, parent).hasPassword()).isFalse();
        assertThat(NeonProject.withPasswordOf(ofNeon, parent)).isSameAs(ofNeon);
    }

    @Test
    void keepsEveryParameterOfTheUriUnderPgjdbcsNameButNeverACredential() {
        DatabaseLocation location = ConnectionUris.toLocation("postgresql://neondb_owner:s3cret@ep-x.neon.tech/neondb"
                + "?sslmode=verify-full&channel_binding=require&options=endpoint%3Dep-x&application_name=shop"
                + "&password=leaked&connect_timeout=20");

        assertThat(location.redactedUrl()).contains("channelBinding=require", "sslmode=verify-full",
                "options=endpoint%3Dep-x", "ApplicationName=shop", "connectTimeout=20").doesNotContain("leaked",
                "s3cret", "channel_binding");
        assertThat(location).isEqualTo(DatabaseLocation.of(location.redactedUrl(), "neondb_owner", "s3cret"));
    }

    @Test
    void refusesAProjectIdThatIsNotOfNeonsPatternNamingTheSetting() {
        for (String bad : List.of("Autumn-Disk-484331", "autumn_disk", "a".repeat(61), "")) {
            assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId(bad)))
                    .as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("projectId(" + bad + ") is not a Neon project id")
                    .hasMessageContaining("1 to 60 lower-case letters, digits and '-'");
        }
        assertThat(catchThrowable(() -> NeonBranchProvider.builder().projectId("a".repeat(60)))).isNull();
        assertThat(catchThrowable(() -> BranchProvider.named("neon", Map.of("project", "Shop_Prod"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("projectId(Shop_Prod)");
    }

    @Test
    void refusesAnExpiryBeyondNeonsThirtyDaysBeforeAnyRequest() {
        // nothing listens there: a request would fail with "Cannot reach the Neon API", not a configuration error
        NeonBranchProvider neon = NeonBranchProvider.builder().projectId("autumn-disk-484331").apiKey(KEY)
                .apiBaseUrl("http://localhost:1/api/v2").maxRetries(0).build();
        DatabaseLocation parent = DatabaseLocation.of("jdbc:postgresql://localhost:1/shop", "app", "pw");

        assertThat(catchThrowable(() -> neon.create(new BranchRequest(parent, Duration.ofDays(31),
                BranchRequest.RUNNER)))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("branchExpiry(31d) is longer than Neon keeps a branch")
                .hasMessageContaining("at most 30 days ahead").hasMessageContaining("branchExpiry(29d)");
        assertThat(catchThrowable(() -> neon.createBranch(parent, "dev-alice", Duration.ofDays(45))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("expiresAfter(45d)");
        assertThat(catchThrowable(() -> neon.extendBranch(parent, "dev-alice", Instant.now().plus(Duration.ofDays(
                31))))).isInstanceOf(ConfigurationException.class).hasMessageContaining("expiresAfter(31d)");
        // the margin for clock skew: 30 days exactly is refused, 5 minutes less is not
        assertThat(catchThrowable(() -> neon.validateExpiry(Setting.KEEP_FAILED_BRANCH, Duration.ofDays(30))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keepFailedBranch(30d)")
                .hasMessageContaining("5 minutes");
        assertThat(catchThrowable(() -> neon.validateExpiry(Setting.KEEP_FAILED_BRANCH,
                NeonBranchProvider.MAX_EXPIRY))).isNull();
        // a rehearsal that would keep a failed branch longer is refused when it is configured, before any run
        assertThat(catchThrowable(() -> Rehearsal.configure().target(parent).engine(new ScriptEngine())
                .branchProvider(neon).keepFailedBranch(Duration.ofDays(30)).load()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("keepFailedBranch(30d)");
        assertThat(catchThrowable(() -> Rehearsal.configure().target(parent).engine(new ScriptEngine())
                .branchProvider(neon).branchExpiry(Duration.ofDays(30)).load()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("branchExpiry(30d)");
        assertThat(catchThrowable(() -> Rehearsal.configure().target(parent).engine(new ScriptEngine())
                .branchProvider(neon).keepFailedBranch(Duration.ofDays(29)).load())).isNull();
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
