package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.internal.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingNamesTest {
    /** A front end that writes settings as command-line options, as the CLI does. */
    private static final SettingNames OPTIONS = new SettingNames() {
        @Override
        public String name(Setting setting) {
            return "--" + setting.name().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String assignment(Setting setting, String value) {
            return name(setting) + " " + value;
        }
    };

    @Test
    void messagesNameSettingsAsTheFrontEndInUseDoes() {
        assertThatThrownBy(() -> SettingNames.using(OPTIONS,
                () -> Rehearsal.configure().lockTimeout(Duration.ofDays(99_999_999))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--lock-timeout 99999999d is out of range: give a value between 0s and 1h, e.g. 5s, or "
                        + "0s for no lock timeout");
    }

    @Test
    void theJavaApiNamesItsBuilderMethodsOutsideAnyFrontEnd() {
        assertThatThrownBy(() -> Rehearsal.configure().lockRetries(101))
                .hasMessage("lockRetries(101) is out of range: give a value from 0 to 100");
        assertThat(Setting.LOCK_TIMEOUT.spelled()).isEqualTo("lockTimeout(...)");
    }

    @Test
    void theFrontEndsWordsEndWithItsWork() {
        String spelled = SettingNames.using(OPTIONS, Setting.WAIT_FOR_OTHER_RUNNERS::spelled);
        assertThat(spelled).isEqualTo("--wait-for-other-runners");
        assertThat(Setting.WAIT_FOR_OTHER_RUNNERS.spelled()).isEqualTo("waitForOtherRunners(...)");
    }

    @Test
    void aDurationThatCannotBeReadIsNamedAsTheFrontEndWritesIt() {
        assertThatThrownBy(() -> SettingNames.using(OPTIONS, () -> Durations.parse("5 minutes", Setting.LOCK_TIMEOUT)))
                .hasMessage("--lock-timeout 5 minutes is not a duration: write a duration, e.g. 500ms, 5s, 10m, 8h "
                        + "or 7d");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d", Setting.LOCK_TIMEOUT))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Durations.parse("9999999999999999d", Setting.LOCK_TIMEOUT))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not a duration");
    }

    @Test
    void durationsAreShownInTheUnitsPeopleWrite() {
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.parse(Durations.format(Duration.ofSeconds(-3)).substring(1), "x"))
                .isEqualTo(Duration.ofSeconds(3));
    }
}
