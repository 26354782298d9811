package dev.rehearsal.api;

import java.util.Objects;

/**
 * How a front end names {@link Setting settings} in messages, so that a message tells the user the fix in the
 * words of the tool in their hands. The CLI, the Maven plugin and the Spring Boot starter each have theirs; the Java
 * API's ({@link #BUILDER}) is the default.
 *
 * <pre>{@code
 * Outcome outcome = SettingNames.using(cliNames, () -> rehearsal.run());
 * }</pre>
 */
public interface SettingNames {
    /** The Java API's names: builder methods, e.g. {@code lockTimeout(...)}. */
    SettingNames BUILDER = new SettingNames() {
        @Override
        public String name(Setting setting) {
            return setting.builderWords();
        }

        @Override
        public String assignment(Setting setting, String value) {
            String words = setting.builderWords();
            return words.endsWith("(...)") ? words.substring(0, words.length() - 4) + value + ")" : words;
        }
    };

    /** The setting's name, e.g. {@code --lock-timeout} or {@code <lockTimeout>}. */
    String name(Setting setting);

    /** The setting given a value, e.g. {@code --lock-timeout 5s} or {@code <lockTimeout>5s</lockTimeout>}. */
    String assignment(Setting setting, String value);

    /** The names of the front end running on this thread; {@link #BUILDER} outside {@link #using}. */
    static SettingNames current() {
        SettingNames names = Current.NAMES.get();
        return names == null ? BUILDER : names;
    }

    /** Runs {@code work} with messages naming settings in these names; the previous names come back after. */
    static <T, E extends Exception> T using(SettingNames names, Work<T, E> work) throws E {
        Objects.requireNonNull(names, "names");
        SettingNames previous = Current.NAMES.get();
        Current.NAMES.set(names);
        try {
            return work.run();
        } finally {
            if (previous == null) {
                Current.NAMES.remove();
            } else {
                Current.NAMES.set(previous);
            }
        }
    }

    /** Work run with a front end's names; it may throw what the front end throws. */
    @FunctionalInterface
    interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** The holder of the thread's names (an interface cannot have private fields). */
    final class Current {
        private static final ThreadLocal<SettingNames> NAMES = new ThreadLocal<>();

        private Current() {
        }
    }
}
