package dev.rehearsal.check;

import java.util.Locale;

/** Byte and row counts for people. */
final class Sizes {
    private Sizes() {
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /**
     * What a risky pattern on a table too small to judge means, for an INFO finding's message: {@code "0 rows here:
     * harmless on this database; on a table with data it would <consequence>"}.
     */
    static String tooSmallToJudge(long rows, String consequence) {
        return rows + " rows here: harmless on this database; on " + (rows == 0 ? "a table with data" : "a large table")
                + " it would " + consequence;
    }
}
