package dev.rehearsal.internal;

/** Statements and other text shortened to one line of a report, for people to recognise rather than to run. */
public final class OneLine {
    private OneLine() {
    }

    /** The text on one line, cut to {@code max} characters with an ellipsis; empty for null. */
    public static String abbreviate(String text, int max) {
        if (text == null) {
            return "";
        }
        String single = text.replaceAll("\\s+", " ");
        return single.length() <= max ? single : single.substring(0, max - 1) + "…";
    }

    /** The statement without the comment lines that precede it in its script: they are not what it does. */
    public static String withoutLeadingComments(String statement) {
        String rest = statement.strip();
        while (rest.startsWith("--")) {
            int end = rest.indexOf('\n');
            if (end < 0) {
                return statement.strip();
            }
            rest = rest.substring(end + 1).strip();
        }
        return rest.isEmpty() ? statement.strip() : rest;
    }
}
