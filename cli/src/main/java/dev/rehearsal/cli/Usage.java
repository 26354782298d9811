package dev.rehearsal.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line that could not be parsed, told as the user can act on it: a mistyped option with the options it
 * is nearest to, a password given as an argument with where passwords go instead (and without repeating it).
 *
 * @param message  what is wrong and what to type instead
 * @param showHelp whether the command's usage should follow the message (not when the message already says what
 *                 to type)
 */
record Usage(String message, boolean showHelp) {
    static final String PASSWORD_HINT = "passwords are never taken as arguments, which every user of this machine "
            + "can read in the process list (ps): export the password as REHEARSAL_PASSWORD, or name the variable "
            + "holding it with --password-env (PGPASSWORD and ~/.pgpass work too, as in psql)";

    static Usage of(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched) {
            // what follows an option like --password is its value: none of the unmatched arguments is repeated
            for (String argument : unmatched.getUnmatched()) {
                if (isPassword(argument)) {
                    return new Usage(option(argument) + " is not an option: " + PASSWORD_HINT, false);
                }
            }
            List<String> nearest = unmatched.isUnknownOption() ? nearest(option(unmatched.getUnmatched().get(0)),
                    unmatched.getCommandLine().getCommandSpec().optionsMap().keySet()) : List.of();
            if (!nearest.isEmpty()) {
                return new Usage(e.getMessage() + ". Did you mean: " + String.join(" or ", nearest) + "?", false);
            }
        }
        return new Usage(e.getMessage(), true);
    }

    /**
     * The options a mistyped one is nearest to: fewest letters added, removed or changed, and few enough for a typo
     * (picocli's own suggestions are every option sharing a few letters, {@code --lock-timout} giving five).
     */
    static List<String> nearest(String typed, Collection<String> options) {
        int allowed = Math.max(1, Math.min(3, typed.length() / 4));
        Map<Integer, List<String>> byDistance = new TreeMap<>();
        for (String option : options) {
            int distance = distance(typed.toLowerCase(Locale.ROOT), option.toLowerCase(Locale.ROOT));
            if (distance <= allowed) {
                byDistance.computeIfAbsent(distance, d -> new ArrayList<>()).add(option);
            }
        }
        return byDistance.values().stream().findFirst().map(List::copyOf).orElse(List.of());
    }

    /** Levenshtein's distance, two rows at a time. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1], previous[j]) + 1, previous[j - 1] + change);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * {@code --password}, {@code --pass=...}, {@code -password}: an option meant to carry a password (a mistyped
     * {@code --password-env} is not one: it carries a variable's name).
     */
    private static boolean isPassword(String argument) {
        String option = option(argument).toLowerCase(Locale.ROOT);
        String name = option.replaceFirst("^-+", "");
        return option.startsWith("-") && (name.startsWith("pas") || name.startsWith("pw") || name.contains("passw"))
                && !name.startsWith("password-e");
    }

    private static String option(String argument) {
        int equals = argument.indexOf('=');
        return equals < 0 ? argument : argument.substring(0, equals);
    }
}
