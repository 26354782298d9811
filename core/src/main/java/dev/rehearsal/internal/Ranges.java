package dev.rehearsal.internal;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import java.time.Duration;
import java.util.Objects;

/**
 * The one range check of every builder: a value outside its range is a {@link ConfigurationException} naming the
 * setting as the user's front end spells it ({@code --lock-timeout 100d}, {@code <lockTimeout>100d</lockTimeout>},
 * {@code lockTimeout(100d)}) and the range in the units people write.
 */
public final class Ranges {
    private Ranges() {
    }

    /**
     * {@code value} when {@code min <= value <= max}.
     *
     * @param advice what to give instead, appended to the range, e.g. {@code "e.g. 5s, or 0s for none"}; may be empty
     */
    public static Duration duration(Setting setting, Duration value, Duration min, Duration max, String advice) {
        Objects.requireNonNull(value, setting.name());
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw outOfRange(setting, Durations.format(value), "between " + Durations.format(min) + " and "
                    + Durations.format(max), advice);
        }
        return value;
    }

    /** {@code value} when it is above zero. */
    public static Duration positive(Setting setting, Duration value, String advice) {
        Objects.requireNonNull(value, setting.name());
        if (value.isNegative() || value.isZero()) {
            throw outOfRange(setting, Durations.format(value), "above 0s", advice);
        }
        return value;
    }

    /** {@code value} when {@code min <= value <= max}. */
    public static int number(Setting setting, int value, int min, int max) {
        return number(setting, value, min, max, "");
    }

    /**
     * {@code value} when {@code min <= value <= max}.
     *
     * @param advice what to give instead, appended to the range; may be empty
     */
    public static int number(Setting setting, int value, int min, int max, String advice) {
        if (value < min || value > max) {
            throw outOfRange(setting, Integer.toString(value), "from " + min + " to " + max, advice);
        }
        return value;
    }

    /**
     * {@code value} when it is at least {@code min}.
     *
     * @param advice what to give instead, appended to the range; may be empty
     */
    public static long atLeast(Setting setting, long value, long min, String advice) {
        if (value < min) {
            throw outOfRange(setting, Long.toString(value), "of at least " + min, advice);
        }
        return value;
    }

    /**
     * {@code value} when it is at least {@code min}.
     *
     * @param advice what to give instead, appended to the range; may be empty
     */
    public static Duration atLeast(Setting setting, Duration value, Duration min, String advice) {
        Objects.requireNonNull(value, setting.name());
        if (value.compareTo(min) < 0) {
            throw outOfRange(setting, Durations.format(value), "of at least " + Durations.format(min), advice);
        }
        return value;
    }

    /**
     * {@code value} when it is a fraction, {@code 0 <= value <= 1} (NaN is not).
     *
     * @param advice what to give instead, appended to the range; may be empty
     */
    public static double fraction(Setting setting, double value, String advice) {
        if (!(value >= 0 && value <= 1)) {
            throw outOfRange(setting, Double.toString(value), "between 0 and 1", advice);
        }
        return value;
    }

    private static ConfigurationException outOfRange(Setting setting, String value, String range, String advice) {
        return new ConfigurationException(setting.spelled(value) + " is out of range: give a value " + range
                + (advice.isEmpty() ? "" : ", " + advice));
    }
}
