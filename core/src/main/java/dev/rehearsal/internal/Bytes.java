package dev.rehearsal.internal;

import java.util.Locale;

/**
 * Byte counts for people, as PostgreSQL's {@code pg_size_pretty} writes them: units of 1024 spelled {@code kB},
 * {@code MB}, {@code GB}, {@code TB}; one decimal below 10 ({@code 7.9 MB}), none above ({@code 120 MB}). Findings,
 * reports and the CLI's tables all write sizes this way.
 */
public final class Bytes {
    private static final String[] UNITS = {"kB", "MB", "GB", "TB"};

    private Bytes() {
    }

    /** {@code 512 B}, {@code 7.9 MB}, {@code 120 MB}, {@code 1.5 TB}. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, UNITS[unit]);
    }
}
