package dev.rehearsal.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times and durations as the CLI's text output writes them for people (sizes: {@code Bytes.human}). */
final class Readable {
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    /** Past this, an expiry is none that matters (Neon's branches without one expire in the year 9999). */
    private static final Duration FOREVER = Duration.ofDays(365L * 100);

    private Readable() {
    }

    /** {@code 2026-11-30 22:41}: in {@code zone}, to the minute. */
    static String time(Instant instant, ZoneId zone) {
        return MINUTES.format(instant.atZone(zone));
    }

    /** The two largest units: {@code 45s}, {@code 1m 20s}, {@code 6d 23h}; below a second, {@code 0s}. */
    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long[] amounts = {seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
        String[] units = {"d", "h", "m", "s"};
        int first = 0;
        while (first < amounts.length - 1 && amounts[first] == 0) {
            first++;
        }
        String text = amounts[first] + units[first];
        return first < amounts.length - 1 && amounts[first + 1] > 0 ? text + " " + amounts[first + 1]
                + units[first + 1] : text;
    }

    /** When {@code expires} is, seen from {@code now}: {@code in 6d 23h}, {@code 2h 5m ago}, or {@code never}. */
    static String relative(Instant expires, Instant now) {
        Duration left = Duration.between(now, expires);
        if (left.compareTo(FOREVER) > 0) {
            return "never";
        }
        return left.isNegative() ? duration(left.negated()) + " ago" : "in " + duration(left);
    }
}
