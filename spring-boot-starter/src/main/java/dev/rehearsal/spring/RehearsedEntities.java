package dev.rehearsal.spring;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.EntityModelCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.util.ClassUtils;

/**
 * Adds {@link EntityModelCheck} for the application's JPA entities to every rehearsal: the classes Boot's JPA
 * auto-configuration scans ({@link PersistenceManagedTypes}), with the Hibernate settings Boot gives Hibernate
 * ({@code spring.jpa.properties.*} and its naming strategies), so that the check maps the names the application's
 * {@code EntityManagerFactory} will.
 *
 * <p>Everything is looked up when a rehearsal is configured, inside Flyway's migration or before Liquibase's update,
 * never when this bean is made: the scan of the managed types needs neither the DataSource nor the
 * {@code EntityManagerFactory} (which waits for the migrations), and looking them up earlier would tie the starter's
 * beans to them.
 */
final class RehearsedEntities implements RehearsalCustomizer {
    static final String PHYSICAL_NAMING = "hibernate.physical_naming_strategy";
    static final String IMPLICIT_NAMING = "hibernate.implicit_naming_strategy";
    /** Boot 3's default physical naming strategy: {@code firstName} is column {@code first_name}. */
    static final String BOOT_PHYSICAL_NAMING = "org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy";
    /** Boot 4's, the same rule under Hibernate 7's name for it (Hibernate 6 has no such class). */
    static final String BOOT_4_PHYSICAL_NAMING = "org.hibernate.boot.model.naming.PhysicalNamingStrategySnakeCaseImpl";
    /** Boot's default implicit naming strategy: Boot 4's package, then Boot 3's. */
    static final List<String> BOOT_IMPLICIT_NAMING = List.of(
            "org.springframework.boot.hibernate.SpringImplicitNamingStrategy",
            "org.springframework.boot.orm.jpa.hibernate.SpringImplicitNamingStrategy");

    /** The {@code ddl-auto} values with which Hibernate makes or changes tables at start-up, after the migrations. */
    static final Set<String> HIBERNATE_MAKES_THE_SCHEMA = Set.of("create", "create-drop", "create-only", "update");

    private final ObjectProvider<PersistenceManagedTypes> managedTypes;
    private final ListableBeanFactory beans;
    private final Environment environment;
    private final ClassLoader loader;

    RehearsedEntities(ObjectProvider<PersistenceManagedTypes> managedTypes, ListableBeanFactory beans,
                      Environment environment, ClassLoader loader) {
        this.managedTypes = managedTypes;
        this.beans = beans;
        this.environment = environment;
        this.loader = loader;
    }

    /**
     * Adds the check when Boot's JPA manages classes, unless Hibernate changes the schema itself after the migrations
     * ({@code spring.jpa.hibernate.ddl-auto} {@code update}, {@code create}...): its entities then map what it is
     * about to make. An application with its own persistence unit is left as is.
     */
    @Override
    public void customize(Rehearsal.Builder rehearsal) {
        PersistenceManagedTypes types = managedTypes.getIfUnique();
        if (types == null || types.getManagedClassNames().isEmpty()) {
            return;
        }
        Map<String, Object> settings = hibernateSettings();
        if (!hibernateMakesTheSchema(settings)) {
            rehearsal.check(EntityModelCheck.of(types.getManagedClassNames(), loader, settings));
        }
    }

    /**
     * True when Hibernate makes or changes tables at start-up, as Boot configures it: {@code ddl-auto}, else
     * {@code spring.jpa.generate-ddl=true} (Boot's {@code update}), or JPA's schema generation in
     * {@code spring.jpa.properties}.
     */
    private boolean hibernateMakesTheSchema(Map<String, Object> settings) {
        Binder binder = Binder.get(environment);
        String generateDdl = binder.bind("spring.jpa.generate-ddl", Boolean.class).orElse(false) ? "update" : "none";
        String ddlAuto = binder.bind("spring.jpa.hibernate.ddl-auto", String.class)
                .orElse(String.valueOf(settings.getOrDefault("hibernate.hbm2ddl.auto", generateDdl)));
        String generation = String.valueOf(settings.getOrDefault(
                "jakarta.persistence.schema-generation.database.action", "none"));
        return HIBERNATE_MAKES_THE_SCHEMA.contains(ddlAuto.trim().toLowerCase(Locale.ROOT))
                || !generation.trim().equalsIgnoreCase("none");
    }

    /**
     * The settings Boot's {@code HibernateProperties} gives Hibernate, as far as they change what is mapped:
     * {@code spring.jpa.properties.*}, then the naming strategies: a bean of the application's, else
     * {@code spring.jpa.hibernate.naming.*}, else what {@code spring.jpa.properties} says, else Boot's default.
     */
    Map<String, Object> hibernateSettings() {
        Binder binder = Binder.get(environment);
        Map<String, Object> settings = new LinkedHashMap<>(binder.bind("spring.jpa.properties",
                Bindable.mapOf(String.class, String.class)).orElseGet(Map::of));
        naming(settings, PHYSICAL_NAMING, "org.hibernate.boot.model.naming.PhysicalNamingStrategy",
                binder.bind("spring.jpa.hibernate.naming.physical-strategy", String.class).orElse(null),
                ClassUtils.isPresent(BOOT_4_PHYSICAL_NAMING, loader) ? BOOT_4_PHYSICAL_NAMING : BOOT_PHYSICAL_NAMING);
        String implicitDefault = BOOT_IMPLICIT_NAMING.stream().filter(name -> ClassUtils.isPresent(name, loader))
                .findFirst().orElse(null);
        naming(settings, IMPLICIT_NAMING, "org.hibernate.boot.model.naming.ImplicitNamingStrategy",
                binder.bind("spring.jpa.hibernate.naming.implicit-strategy", String.class).orElse(null),
                implicitDefault);
        return settings;
    }

    private void naming(Map<String, Object> settings, String key, String type, String property, String fallback) {
        Object bean = ClassUtils.isPresent(type, loader)
                ? beans.getBeanProvider(ClassUtils.resolveClassName(type, loader)).getIfUnique() : null;
        if (bean != null) {
            settings.put(key, bean);
        } else if (property != null) {
            settings.put(key, property);
        } else if (fallback != null) {
            settings.putIfAbsent(key, fallback);
        }
    }
}
