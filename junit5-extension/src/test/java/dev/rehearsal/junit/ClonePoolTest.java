package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The pool's settings; the pool itself is tested against PostgreSQL in {@link ClonePoolIT}. */
class ClonePoolTest {

    @Test
    void settingsComeFromSystemPropertiesAndAMaximumBelowTheMinimumIsRaisedToIt() {
        System.setProperty(ClonePool.MAXIMUM_PROPERTY, "2");
        System.setProperty(ClonePool.FILLERS_PROPERTY, " 3 ");
        try {
            assertThat(ClonePool.Settings.of(4)).isEqualTo(new ClonePool.Settings(4, 4, 3));
        } finally {
            System.clearProperty(ClonePool.MAXIMUM_PROPERTY);
            System.clearProperty(ClonePool.FILLERS_PROPERTY);
        }
        ClonePool.Settings defaults = ClonePool.Settings.of(4);
        assertThat(defaults.maximum()).isEqualTo(ClonePool.Settings.DEFAULT_MAXIMUM);
        assertThat(defaults.fillers()).isEqualTo(Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())));
    }

    @Test
    void aSettingThatIsNotANumberOrLeavesNoFillerIsRefusedNamingTheProperty() {
        System.setProperty(ClonePool.FILLERS_PROPERTY, "many");
        try {
            assertThatThrownBy(() -> ClonePool.Settings.of(4)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("-Drehearsal.test.pool.fillers=many is not a number");
            System.setProperty(ClonePool.FILLERS_PROPERTY, "0");
            assertThatThrownBy(() -> ClonePool.Settings.of(4)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("fillers 0").hasMessageContaining("-Drehearsal.test.pool.fillers");
        } finally {
            System.clearProperty(ClonePool.FILLERS_PROPERTY);
        }
    }

    @Test
    void fillersMakeClonesBeforeTheyDropUntilTheBacklogIsFull() {
        // tests back to back give clones back faster than one dropper drops them: fillers that dropped instead of
        // making let 100-270 of 500 tests wait in the benchmark, against none when they keep making
        assertThat(ClonePool.Work.next(10, 200, true)).isEqualTo(ClonePool.Work.MAKE);
        assertThat(ClonePool.Work.next(200, 200, true)).isEqualTo(ClonePool.Work.MAKE);
        assertThat(ClonePool.Work.next(201, 200, true)).isEqualTo(ClonePool.Work.DROP);
        assertThat(ClonePool.Work.next(3, 200, false)).as("nothing to make: help the dropper")
                .isEqualTo(ClonePool.Work.DROP);
        assertThat(ClonePool.Work.next(0, 200, false)).isEqualTo(ClonePool.Work.WAIT);
    }
}
