package dev.rehearsal.check;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a column type change can lose information (as {@code format_type} names the types). */
final class TypeNarrowing {
    private static final Pattern LENGTH = Pattern.compile("^(character varying|character|bit varying|bit)\\((\\d+)\\)$");
    private static final Pattern NUMERIC = Pattern.compile("^numeric(?:\\((\\d+)(?:,(\\d+))?\\))?$");
    private static final Pattern PRECISION = Pattern.compile("^(timestamp|time|interval)(?:\\((\\d)\\))?(.*)$");
    private static final Map<String, Integer> INTEGER_BYTES = Map.of("smallint", 2, "integer", 4, "bigint", 8);
    private static final Map<String, Integer> FLOAT_BYTES = Map.of("real", 4, "double precision", 8);

    private TypeNarrowing() {
    }

    /**
     * True when {@code to} is {@code from} with a larger (or no) length or precision limit: every value and its text
     * stay the same, so readers and writers of the column cannot tell, e.g. {@code character varying(100)} to
     * {@code character varying(200)}, {@code character varying} or {@code text}, or {@code numeric(12,2)} to
     * {@code numeric(14,2)}.
     */
    static boolean onlyWidens(String from, String to) {
        if (from.equals(to)) {
            return false;
        }
        Matcher fromLength = LENGTH.matcher(from);
        if (fromLength.matches() && fromLength.group(1).endsWith("varying")) {
            String base = fromLength.group(1);
            Matcher toLength = LENGTH.matcher(to);
            if (toLength.matches()) {
                return toLength.group(1).equals(base)
                        && Integer.parseInt(toLength.group(2)) > Integer.parseInt(fromLength.group(2));
            }
            return to.equals(base) || (base.equals("character varying") && to.equals("text"));
        }
        if (from.equals("character varying") && to.equals("text")) {
            return true;
        }
        Matcher fromNumeric = NUMERIC.matcher(from);
        Matcher toNumeric = NUMERIC.matcher(to);
        if (fromNumeric.matches() && toNumeric.matches() && fromNumeric.group(1) != null) {
            if (toNumeric.group(1) == null) {
                return true;
            }
            int fromScale = fromNumeric.group(2) == null ? 0 : Integer.parseInt(fromNumeric.group(2));
            int toScale = toNumeric.group(2) == null ? 0 : Integer.parseInt(toNumeric.group(2));
            // a larger scale would show every value with more zeros after the decimal point
            return toScale == fromScale && Integer.parseInt(toNumeric.group(1)) > Integer.parseInt(fromNumeric.group(1));
        }
        return false;
    }

    /** Why {@code from} → {@code to} may lose information, or empty when it cannot. */
    static Optional<String> why(String from, String to) {
        if (from.equals(to)) {
            return Optional.empty();
        }
        Matcher toLength = LENGTH.matcher(to);
        if (toLength.matches()) {
            Matcher fromLength = LENGTH.matcher(from);
            int limit = Integer.parseInt(toLength.group(2));
            if (from.equals("text") || from.equals("character varying")) {
                return Optional.of("values longer than " + limit + " characters cannot be kept");
            }
            if (fromLength.matches() && Integer.parseInt(fromLength.group(2)) > limit) {
                return Optional.of("the limit shrinks from " + fromLength.group(2) + " to " + limit + " characters");
            }
        }
        if (INTEGER_BYTES.containsKey(from) && INTEGER_BYTES.containsKey(to)
                && INTEGER_BYTES.get(to) < INTEGER_BYTES.get(from)) {
            return Optional.of(to + " holds a smaller range than " + from);
        }
        if (FLOAT_BYTES.containsKey(from) && FLOAT_BYTES.containsKey(to) && FLOAT_BYTES.get(to) < FLOAT_BYTES.get(from)) {
            return Optional.of(to + " is less precise than " + from);
        }
        boolean fromFractional = NUMERIC.matcher(from).matches() || FLOAT_BYTES.containsKey(from);
        if (fromFractional && INTEGER_BYTES.containsKey(to)) {
            return Optional.of("fractions are rounded away converting " + from + " to " + to);
        }
        Matcher fromNumeric = NUMERIC.matcher(from);
        Matcher toNumeric = NUMERIC.matcher(to);
        if (fromNumeric.matches() && toNumeric.matches() && toNumeric.group(1) != null) {
            int toPrecision = Integer.parseInt(toNumeric.group(1));
            int toScale = toNumeric.group(2) == null ? 0 : Integer.parseInt(toNumeric.group(2));
            if (fromNumeric.group(1) == null) {
                return Optional.of("unbounded numeric becomes " + to);
            }
            int fromPrecision = Integer.parseInt(fromNumeric.group(1));
            int fromScale = fromNumeric.group(2) == null ? 0 : Integer.parseInt(fromNumeric.group(2));
            if (toScale < fromScale) {
                return Optional.of("digits after the decimal point are rounded away (scale " + fromScale + " to "
                        + toScale + ")");
            }
            if (toPrecision - toScale < fromPrecision - fromScale) {
                return Optional.of("fewer digits before the decimal point (" + (fromPrecision - fromScale) + " to "
                        + (toPrecision - toScale) + ")");
            }
        }
        if (from.startsWith("timestamp") && to.equals("date")) {
            return Optional.of("the time of day is dropped");
        }
        if (from.startsWith("timestamp with time zone") && to.startsWith("time")
                && !to.startsWith("timestamp")) {
            return Optional.of("the date is dropped");
        }
        Matcher fromPrecision = PRECISION.matcher(from);
        Matcher toPrecision = PRECISION.matcher(to);
        if (fromPrecision.matches() && toPrecision.matches() && fromPrecision.group(1).equals(toPrecision.group(1))
                && fromPrecision.group(3).equals(toPrecision.group(3)) && toPrecision.group(2) != null) {
            int fromDigits = fromPrecision.group(2) == null ? 6 : Integer.parseInt(fromPrecision.group(2));
            int toDigits = Integer.parseInt(toPrecision.group(2));
            if (toDigits < fromDigits) {
                return Optional.of("fractional seconds are rounded to " + toDigits + " digits");
            }
        }
        if (to.equals("boolean") && !from.equals("boolean")) {
            return Optional.of("only true and false survive");
        }
        return Optional.empty();
    }
}
