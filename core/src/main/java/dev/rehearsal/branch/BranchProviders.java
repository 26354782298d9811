package dev.rehearsal.branch;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch provider chosen by name and text options, as the CLI ({@code --branch-provider snapshot-copy
 * --branch-option jobs=4}), the Maven plugin ({@code <branchProvider>}, {@code <branchOptions>}) and the Spring Boot
 * starter take it. The names are those of the {@link BranchProviderFactory factories} found through
 * {@link ServiceLoader} with the thread's context class loader (and core's, for the built-in ones):
 *
 * <ul>
 *   <li>{@code template} (default): {@code CREATE DATABASE … TEMPLATE}; needs the target without other sessions.
 *       Options: {@code clone} ({@code true}/{@code false}), {@code maintenance-database}.</li>
 *   <li>{@code snapshot-copy}: {@code pg_dump}/{@code pg_restore} of one snapshot; works while the target is in use.
 *       Options: {@code jobs}, {@code schema-only}, {@code sample} (rows a table), {@code pg-dump} and
 *       {@code pg-restore} (paths), {@code work-directory} (where the dump goes), {@code maintenance-database}.</li>
 *   <li>{@code neon}: the Neon API; the key from {@code NEON_API_KEY}. Options: {@code project} (required),
 *       {@code parent-branch}, {@code database}, {@code role}, {@code api-key-variable}, {@code api-url},
 *       {@code max-retries}, {@code operation-timeout}.</li>
 *   <li>any other provider whose jar is on that class path, by the name its factory gives.</li>
 * </ul>
 */
final class BranchProviders {
    /** The provider chosen when none is named. */
    static final String DEFAULT = BranchProvider.DEFAULT;

    private static final Logger LOG = LoggerFactory.getLogger(BranchProviders.class);

    private BranchProviders() {
    }

    /**
     * The provider called {@code name} (null or blank: {@value #DEFAULT}) with these options.
     *
     * @throws ConfigurationException for an unknown name (listing the providers found), an option the provider does
     *                                not have, or a bad value
     */
    static BranchProvider named(String name, Map<String, String> options) {
        return named(name, options, List.of());
    }

    /**
     * As {@link #named(String, Map)}, the factory given {@code listeners} (see
     * {@link BranchProviderFactory.Options#listener}).
     */
    static BranchProvider named(String name, Map<String, String> options, List<?> listeners) {
        String chosen = name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
        List<BranchProviderFactory> found = factories();
        for (BranchProviderFactory factory : found) {
            if (factory.name().equalsIgnoreCase(chosen)) {
                Map<String, String> given = new LinkedHashMap<>(options == null ? Map.of() : options);
                return factory.create(new BranchProviderFactory.Options(chosen, factory.options(), given,
                        listeners));
            }
        }
        throw new ConfigurationException(BranchProviderFactory.Options.asWritten(Setting.BRANCH_PROVIDER, name)
                + "Unknown branch provider '" + name + "': use one of " + names(found));
    }

    /** The names of the providers found, built-in ones first. */
    static List<String> names() {
        return names(factories());
    }

    /**
     * The factories found: core's (the built-in ones, in the order core lists them), then those of other jars, in
     * class path order (core's class loader's, then the thread's context class loader's). A name belongs to the first
     * that has it, a built-in one above all; a later one of the same name is ignored with a warning.
     *
     * @throws ConfigurationException when a jar lists a factory that cannot be loaded
     */
    static List<BranchProviderFactory> factories() {
        ClassLoader own = BranchProviders.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        List<BranchProviderFactory> loaded = new ArrayList<>();
        for (ClassLoader loader : context == null || context == own ? List.of(own) : List.of(own, context)) {
            Iterator<BranchProviderFactory> factories = ServiceLoader.load(BranchProviderFactory.class, loader)
                    .iterator();
            while (true) {
                try {
                    if (!factories.hasNext()) {
                        break;
                    }
                    loaded.add(factories.next());
                } catch (ServiceConfigurationError e) {
                    refuseUnlessForeign(e, loader != own);
                }
            }
        }
        // core's own first, whatever the class path's order: a Maven plugin realm may list a provider's jar first
        loaded.sort(Comparator.comparing(factory -> !builtIn(factory)));
        Map<String, BranchProviderFactory> found = new LinkedHashMap<>();
        for (BranchProviderFactory factory : loaded) {
            BranchProviderFactory first = found.putIfAbsent(factory.name().toLowerCase(Locale.ROOT), factory);
            if (first != null && first.getClass() != factory.getClass()) {
                LOG.warn("Two branch providers are called '{}': {} is used, {} is not", factory.name(),
                        first.getClass().getName(), factory.getClass().getName());
            }
        }
        return List.copyOf(found.values());
    }

    /** Whether the factory comes with core, rather than from another jar. */
    private static boolean builtIn(BranchProviderFactory factory) {
        return Objects.equals(location(factory.getClass()), location(BranchProviders.class));
    }

    private static URL location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    /**
     * Refuses a factory that cannot be loaded; but not, through the context class loader, one of another copy of
     * Rehearsal (seen through a loader that does not delegate to core's): it is none of ours, and the next is tried.
     */
    private static void refuseUnlessForeign(ServiceConfigurationError e, boolean context) {
        if (!context || !String.valueOf(e.getMessage()).contains("not a subtype")) {
            throw new ConfigurationException("A branch provider on the class path cannot be loaded: "
                    + e.getMessage() + ". Check the jar that lists it in META-INF/services/"
                    + BranchProviderFactory.class.getName() + ", or take it off the class path", e);
        }
        LOG.debug("Ignored a branch provider of another copy of Rehearsal: {}", e.getMessage());
    }

    /** The names of the factories found that make providers able to manage named branches. */
    static List<String> managingBranches() {
        List<String> names = new ArrayList<>();
        for (BranchProviderFactory factory : factories()) {
            if (BranchManagement.class.isAssignableFrom(factory.providerType())) {
                names.add(factory.name());
            }
        }
        return names;
    }

    private static List<String> names(List<BranchProviderFactory> factories) {
        return factories.stream().map(BranchProviderFactory::name).toList();
    }
}
