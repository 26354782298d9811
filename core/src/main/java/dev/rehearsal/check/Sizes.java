package dev.rehearsal.check;

import dev.rehearsal.internal.Bytes;

/** Byte and row counts for people. */
final class Sizes {
    private Sizes() {
    }

    static String human(long bytes) {
        return Bytes.human(bytes);
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
