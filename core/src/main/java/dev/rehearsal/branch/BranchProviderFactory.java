package dev.rehearsal.branch;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.api.SettingNames;
import dev.rehearsal.internal.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes a {@link BranchProvider} chosen by name with text options, as the CLI ({@code --branch-provider zfs
 * --branch-option pool=tank}), the Maven plugin ({@code <branchProvider>}, {@code <branchOptions>}) and the Spring
 * Boot starter ({@code rehearsal.branch.provider}, {@code rehearsal.branch.options.*}) take it. Factories are found
 * through {@link java.util.ServiceLoader}: a provider's jar lists its factory in
 * {@code META-INF/services/dev.rehearsal.branch.BranchProviderFactory}, and {@link BranchProviders#named} finds it
 * on the class path of the thread's context class loader (the CLI's {@code --classpath}, a plugin dependency of the
 * Maven plugin, the Spring Boot application's class path).
 *
 * <pre>{@code
 * public final class ZfsBranchProviderFactory implements BranchProviderFactory {
 *     static final Setting POOL = Setting.branchOption("pool", "ZfsBranchProvider.builder().pool(...)");
 *
 *     public String name() { return "zfs"; }
 *     public String description() { return "a ZFS clone of the server's data directory"; }
 *     public List<Setting> options() { return List.of(POOL); }
 *     public Class<ZfsBranchProvider> providerType() { return ZfsBranchProvider.class; }
 *     public BranchProvider create(Options options) {
 *         ZfsBranchProvider.Builder builder = ZfsBranchProvider.builder();
 *         options.text(POOL).ifPresent(builder::pool);
 *         return builder.build();
 *     }
 * }
 * }</pre>
 */
public interface BranchProviderFactory {
    /**
     * The factories found: core's (the built-in ones, in the order core lists them), then those of other jars, in
     * class path order (core's class loader's, then the thread's context class loader's). A name belongs to the first
     * that has it, a built-in one above all; a later one of the same name is ignored with a warning.
     *
     * @throws dev.rehearsal.api.ConfigurationException when a jar lists a factory that cannot be loaded
     */
    static List<BranchProviderFactory> all() {
        return BranchProviders.factories();
    }

    /** The name users choose the provider by: lower-case letters, digits and {@code -}, e.g. {@code snapshot-copy}. */
    String name();

    /** What the provider does and when to choose it, in a few words for help texts. */
    String description();

    /** The options the provider takes ({@link Setting#branchOption}); no other option reaches {@link #create}. */
    List<Setting> options();

    /**
     * The type of the providers made, by which front ends tell what they can do, e.g. whether they implement
     * {@link BranchManagement}.
     */
    Class<? extends BranchProvider> providerType();

    /**
     * The provider with these options.
     *
     * @throws ConfigurationException for a bad value, naming the option as the front end in use writes it
     */
    BranchProvider create(Options options);

    /**
     * The options given to a provider, each one of its {@link BranchProviderFactory#options()} with a value;
     * read as text, a number, a boolean, a path or a duration, a bad value is refused naming the option as the front
     * end in use writes it ({@code --branch-option jobs=many}, {@code <branchOptions><jobs>many</jobs>...}).
     */
    final class Options {
        private final String provider;
        private final Map<String, String> given;
        private final List<Object> listeners;

        /** Checks that every option given is one of {@code known}, with a value. */
        Options(String provider, List<Setting> known, Map<String, String> given) {
            this(provider, known, given, List.of());
        }

        /**
         * Checks that every option given is one of {@code known}, with a value; {@code listeners} are what the front
         * end listens with (see {@link #listener(Class)}).
         */
        Options(String provider, List<Setting> known, Map<String, String> given, List<?> listeners) {
            Set<String> names = new TreeSet<>();
            known.forEach(setting -> names.add(setting.name()));
            for (Map.Entry<String, String> option : given.entrySet()) {
                Setting setting = Setting.branchOption(option.getKey(), "");
                if (!names.contains(option.getKey())) {
                    throw new ConfigurationException(asWritten(setting, option.getValue()) + "The " + provider
                            + " branch provider has no option '" + option.getKey() + "': its options are " + names);
                }
                if (option.getValue() == null || option.getValue().isBlank()) {
                    throw new ConfigurationException(asWritten(setting, "") + "The " + provider + " branch provider's "
                            + "option '" + option.getKey() + "' has no value: give one, or leave the option out");
                }
            }
            this.provider = provider;
            this.given = Map.copyOf(given);
            this.listeners = List.copyOf(listeners);
        }

        /**
         * The listener of this type the front end gave, if any: a provider that reports something (the snapshot
         * copy its {@code CopyProgress}) takes the listener of its own type, e.g.
         * {@code options.listener(CopyProgress.Listener.class).ifPresent(builder::progress)}; the others need not
         * look. Listeners are objects, not options: no text option can name one.
         */
        public <T> Optional<T> listener(Class<T> type) {
            return listeners.stream().filter(type::isInstance).map(type::cast).findFirst();
        }

        /** The option's value as given. */
        public Optional<String> text(Setting option) {
            return Optional.ofNullable(given.get(option.name()));
        }

        /** The option's value, {@code true} or {@code false}. */
        public Optional<Boolean> bool(Setting option) {
            return text(option).map(value -> switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad(option, value, "is true or false");
            });
        }

        /** The option's value, a whole number. */
        public Optional<Integer> number(Setting option) {
            return text(option).map(value -> {
                try {
                    return Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    throw bad(option, value, "is a whole number");
                }
            });
        }

        /** The option's value, a path. */
        public Optional<Path> path(Setting option) {
            return text(option).map(Path::of);
        }

        /** The option's value, a duration such as {@code 5m} (see {@code Durations}). */
        public Optional<Duration> duration(Setting option) {
            return text(option).map(value -> Durations.parse(value, option));
        }

        private ConfigurationException bad(Setting option, String value, String expected) {
            return new ConfigurationException(option.spelled(value) + ": the " + provider + " branch provider's "
                    + "option '" + option.name() + "' " + expected + ", not '" + value + "'");
        }

        /**
         * The setting as a front end writes it, to start a message; nothing for the Java API, whose caller wrote the
         * name and options given here.
         */
        static String asWritten(Setting setting, String value) {
            return SettingNames.current() == SettingNames.BUILDER ? "" : setting.spelled(value) + ": ";
        }
    }
}
