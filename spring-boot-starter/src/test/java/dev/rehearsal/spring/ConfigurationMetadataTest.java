package dev.rehearsal.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.check.FindingKinds;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The metadata IDEs complete {@code rehearsal.*} from: every property, and the values Rehearsal knows. */
class ConfigurationMetadataTest {
    private final JsonNode metadata = read();

    @Test
    void describesEveryRehearsalProperty() {
        assertThat(names(metadata.path("properties"))).contains("rehearsal.enabled", "rehearsal.mode",
                "rehearsal.branch.provider", "rehearsal.branch.options", "rehearsal.lock-timeout",
                "rehearsal.lock-retries", "rehearsal.retry-backoff", "rehearsal.keep-failed-branch",
                "rehearsal.wait-for-other-runners", "rehearsal.report.json", "rehearsal.report.markdown",
                "rehearsal.report.html",
                "rehearsal.severities", "rehearsal.assertions", "rehearsal.min-rows", "rehearsal.lock-threshold");
        for (JsonNode property : metadata.path("properties")) {
            if (property.path("name").asText().startsWith("rehearsal.")) {
                assertThat(property.path("description").asText()).as(property.path("name").asText()).isNotBlank();
            }
        }
    }

    @Test
    void completesEveryKindOfFindingAsASeverityKey() {
        assertThat(values("rehearsal.severities.keys")).containsExactlyElementsOf(FindingKinds.all());
    }

    @Test
    void completesEveryBranchProviderAndOption() {
        assertThat(values("rehearsal.branch.provider")).containsExactlyElementsOf(BranchProvider.names());
        List<String> options = BranchProviderFactory.all().stream().flatMap(factory -> factory.options().stream())
                .map(Setting::name).distinct().toList();
        assertThat(values("rehearsal.branch.options.keys")).containsExactlyInAnyOrderElementsOf(options);
    }

    private List<String> values(String hint) {
        for (JsonNode node : metadata.path("hints")) {
            if (node.path("name").asText().equals(hint)) {
                return StreamSupport.stream(node.path("values").spliterator(), false)
                        .map(value -> value.path("value").asText()).toList();
            }
        }
        throw new AssertionError("no hint " + hint);
    }

    private static List<String> names(JsonNode nodes) {
        return StreamSupport.stream(nodes.spliterator(), false).map(node -> node.path("name").asText()).toList();
    }

    private static JsonNode read() {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's output").isNotNull();
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
