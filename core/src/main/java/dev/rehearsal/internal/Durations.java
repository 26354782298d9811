package dev.rehearsal.internal;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in configuration: {@code 500ms}, {@code 5s}, {@code 10m}, {@code 8h}, {@code 7d},
 * or ISO-8601 ({@code PT5S}). The CLI and the Maven plugin read their time options with it.
 *
 * <pre>{@code
 * Duration wait = Durations.parse("15m", "waitForOtherRunners");
 * }</pre>
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final String EXAMPLES = "write a duration, e.g. 500ms, 5s, 10m, 8h or 7d";

    private Durations() {
    }

    /**
     * The duration as people write it, in its largest whole unit: {@code 5s}, {@code 1500ms}, {@code 8h},
     * {@code 7d}; the reverse of {@link #parse}.
     */
    public static String format(Duration duration) {
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException e) {
            return duration.toString();
        }
        if (millis == 0) {
            return "0s";
        }
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis != 0 && millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }

    /**
     * Parses {@code text} given for {@code setting}; the error message names the setting as the front end in use
     * spells it.
     *
     * @throws ConfigurationException when the text is no duration
     */
    public static Duration parse(String text, Setting setting) {
        if (text == null || text.isBlank()) {
            throw new ConfigurationException(setting.spelled() + " is empty: " + EXAMPLES);
        }
        Duration parsed = read(text);
        if (parsed == null) {
            throw new ConfigurationException(setting.spelled(text.trim()) + " is not a duration: " + EXAMPLES);
        }
        return parsed;
    }

    /**
     * Parses {@code text}; {@code option} names the setting in the error message.
     *
     * @throws ConfigurationException when the text is no duration
     */
    public static Duration parse(String text, String option) {
        if (text == null || text.isBlank()) {
            throw new ConfigurationException(option + " is empty: " + EXAMPLES);
        }
        Duration parsed = read(text);
        if (parsed == null) {
            throw new ConfigurationException(option + " " + text + " is not a duration: " + EXAMPLES);
        }
        return parsed;
    }

    /** The duration {@code text} writes, or null when it writes none (or one too long to hold). */
    private static Duration read(String text) {
        Matcher matcher = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            return null; // not a number of a unit, too many digits, or more seconds than a Duration holds
        }
    }
}
