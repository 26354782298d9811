package dev.rehearsal.liquibase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiquibaseEngineBuilderTest {

    @Test
    void requiresAChangelog() {
        assertThatThrownBy(() -> LiquibaseEngine.configure().contexts("prod").load())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No changelog configured").hasMessageContaining("changelog(\"");
    }

    @Test
    void rejectsBlankOrNullArgumentsAtOnceAndSaysWhatToGive() {
        assertThatThrownBy(() -> LiquibaseEngine.of(" ")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("changelog must not be blank");
        assertThatThrownBy(() -> LiquibaseEngine.configure().contexts(null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("contexts must not be null");
        assertThatThrownBy(() -> LiquibaseEngine.configure().labels(""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("labels(\"!experimental\")");
        assertThatThrownBy(() -> LiquibaseEngine.configure().parameter("schema", null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("give a value");
        assertThatThrownBy(() -> LiquibaseEngine.configure().defaultSchema(" "))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> LiquibaseEngine.configure().listener(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rejectsASearchPathThatDoesNotExist(@TempDir Path existing) {
        assertThatThrownBy(() -> LiquibaseEngine.configure().searchPath(existing.toString(), "no/such/directory"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no/such/directory does not exist");
        assertThatThrownBy(() -> LiquibaseEngine.configure().searchPath())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least one");
    }

    @Test
    void isNotChangedByTheBuilderOrTheMapItWasGivenAfterwards() {
        Map<String, String> parameters = new HashMap<>(Map.of("schema", "shop"));
        LiquibaseEngine.Builder builder = LiquibaseEngine.configure().changelog("db/changelog/safe.yaml")
                .contexts("prod").parameters(parameters);
        LiquibaseEngine engine = builder.load();

        parameters.put("schema", "other");
        builder.changelog("db/changelog/other.yaml").labels("x");

        assertThat(engine.toString()).contains("db/changelog/safe.yaml").contains("contexts prod")
                .doesNotContain("labels");
        assertThat(engine.name()).startsWith("Liquibase ");
    }
}
