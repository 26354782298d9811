package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.internal.Durations;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "5s,PT5S", "10m,PT10M", "8h,PT8H", "7d,PT168H", " 7D ,PT168H", "PT1M30S,PT1M30S"})
    void readsShortFormsAndIso8601(String text, String expected) {
        assertThat(Durations.parse(text, "lockTimeout")).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "-5s", "5x", "", "  "})
    void rejectsWhatIsNoDurationNamingTheOptionAndTheFix(String text) {
        assertThatThrownBy(() -> Durations.parse(text, "lockTimeout"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("lockTimeout")
                .hasMessageContaining("e.g. 500ms, 5s, 10m, 8h or 7d");
    }
}
