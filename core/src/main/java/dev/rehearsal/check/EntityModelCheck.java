package dev.rehearsal.check;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.catalog.Table;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.HibernateEntityModel.Mismatch;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the next version of the application against the migrated branch: during a rolling deploy it starts on the
 * migrated schema, and Hibernate fails on a table or column its entities map that is not there, or whose type does
 * not match. Hibernate's own schema validation judges, by Hibernate's rules, but every mismatch is reported (not only
 * the first, as {@code hibernate.hbm2ddl.auto=validate} does), each a blocking {@link FindingKinds#ENTITY_MISMATCH}
 * naming the entity and attribute, and the migration that changed the table.
 *
 * <pre>{@code
 * Rehearsal.configure()
 *         .target(dataSource)
 *         .engine(FlywayEngine.of(flyway))
 *         .validateEntities(Customer.class, Order.class)   // or:
 *         .check(EntityModelCheck.of(Customer.class, Order.class)
 *                 .withProperties(Map.of("hibernate.physical_naming_strategy", MyNamingStrategy.class.getName())))
 * }</pre>
 *
 * <p>Uses the application's own Hibernate (6.6 or 7.x), which must be on the class path; nothing of Hibernate is
 * loaded unless this check is made. The entities' mapping is built when the check is made, without a database: a class
 * that is no entity, or a mapping Hibernate rejects, is a {@link ConfigurationException} before any branch is made.
 * Give the Hibernate settings the application uses ({@link #withProperties}) where they change the names or types it
 * maps to: naming strategies, a default schema, type contributors.
 */
public final class EntityModelCheck implements Check {
    /** The entities to check, for messages about them. */
    public static final Setting ENTITIES = Setting.rehearsal("entities", "validateEntities(...)");

    private static final String EXPAND_CONTRACT = "expand, then contract: keep the old %s until the version of the "
            + "application that maps the new one is deployed everywhere, and drop it in a later migration; if the "
            + "new version is the one that is wrong, map the entity to what the migrations make";

    private final List<Class<?>> entities;
    private final Map<String, Object> properties;
    private final ClassLoader loader;

    private EntityModelCheck(List<Class<?>> entities, Map<String, Object> properties, ClassLoader loader) {
        this.entities = List.copyOf(entities);
        this.properties = Map.copyOf(properties);
        this.loader = loader;
        requireHibernate(loader);
        HibernateEntityModel.check(this.entities, this.properties, loader);
    }

    /** Says what is missing before the JVM says {@code NoClassDefFoundError: org/hibernate/...}. */
    private static void requireHibernate(ClassLoader loader) {
        try {
            Class.forName("org.hibernate.boot.MetadataSources", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigurationException(ENTITIES.spelled() + " checks the entities with the application's "
                    + "Hibernate, and there is none on the class path: add org.hibernate.orm:hibernate-core (6.6 or "
                    + "7.x; spring-boot-starter-data-jpa brings it), or leave the entities unchecked", e);
        }
    }

    /**
     * The check of these entity classes (and the embeddables, mapped superclasses and converters they use).
     *
     * @throws ConfigurationException when one is no JPA entity or Hibernate cannot map them
     */
    public static EntityModelCheck of(Class<?>... entities) {
        Objects.requireNonNull(entities, "entities");
        if (entities.length == 0) {
            throw new ConfigurationException(ENTITIES.spelled() + " names no class: give the application's entity "
                    + "classes");
        }
        List<Class<?>> classes = Arrays.asList(entities);
        if (classes.contains(null)) {
            throw new ConfigurationException(ENTITIES.spelled() + " is given a null class: give the application's "
                    + "entity classes");
        }
        // the loader of the application's classes, which sees its Hibernate; a JDK class (given by mistake) has none
        ClassLoader loader = classes.stream().map(Class::getClassLoader).filter(Objects::nonNull).findFirst()
                .orElse(EntityModelCheck.class.getClassLoader());
        return new EntityModelCheck(classes, Map.of(), loader);
    }

    /**
     * The check of the entity classes of these names, loaded by {@code loader} (the application's), as a framework
     * lists them (Spring's {@code PersistenceManagedTypes}, a {@code persistence.xml}).
     *
     * @throws ConfigurationException when a class cannot be loaded, is no JPA entity, or Hibernate cannot map them
     */
    public static EntityModelCheck of(Collection<String> entityClassNames, ClassLoader loader) {
        return of(entityClassNames, loader, Map.of());
    }

    /**
     * {@link #of(Collection, ClassLoader)} with the application's Hibernate settings, e.g. Spring Boot's
     * {@code spring.jpa.properties.*} and its naming strategies (see {@link #withProperties}).
     */
    public static EntityModelCheck of(Collection<String> entityClassNames, ClassLoader loader,
                                      Map<String, ?> hibernateSettings) {
        Objects.requireNonNull(entityClassNames, "entityClassNames");
        Objects.requireNonNull(loader, "loader");
        List<Class<?>> classes = new ArrayList<>();
        for (String name : entityClassNames) {
            try {
                classes.add(Class.forName(Objects.requireNonNull(name, "entity class name"), false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ConfigurationException(ENTITIES.spelled() + ": there is no class " + name + " on the "
                        + "application's class path: give the entity classes by their full names", e);
            }
        }
        if (classes.isEmpty()) {
            throw new ConfigurationException(ENTITIES.spelled() + " names no class: give the application's entity "
                    + "classes by their full names");
        }
        return new EntityModelCheck(classes, settings(hibernateSettings), loader);
    }

    /**
     * The same check with these Hibernate settings (names as in {@code hibernate.properties}, e.g.
     * {@code hibernate.physical_naming_strategy}, {@code hibernate.default_schema}); connection settings are left
     * out: the check connects to the migrated branch. The mapping is built again with them.
     */
    public EntityModelCheck withProperties(Map<String, ?> hibernateSettings) {
        return new EntityModelCheck(entities, settings(hibernateSettings), loader);
    }

    private static Map<String, Object> settings(Map<String, ?> given) {
        Objects.requireNonNull(given, "hibernateSettings");
        Map<String, Object> settings = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            if (name == null || value == null) {
                throw new ConfigurationException(ENTITIES.spelled() + ": the Hibernate setting " + name + "=" + value
                        + " has no " + (name == null ? "name" : "value") + ": leave it out");
            }
            settings.put(name, value);
        });
        return settings;
    }

    @Override
    public List<Finding> evaluate(CheckContext context) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        for (Mismatch mismatch : HibernateEntityModel.validate(entities, properties, loader, context.branch(),
                currentSchema(context))) {
            findings.add(finding(context, mismatch));
        }
        return findings;
    }

    private static String currentSchema(CheckContext context) throws SQLException {
        try (Connection connection = context.branch().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_schema()")) {
            row.next();
            return row.getString(1);
        }
    }

    private static Finding finding(CheckContext context, Mismatch mismatch) {
        String table = mismatch.schema() + "." + mismatch.table();
        Map<String, Object> evidence = new LinkedHashMap<>();
        put(evidence, "entity", mismatch.entity());
        put(evidence, "attribute", mismatch.attribute());
        evidence.put("table", table);
        put(evidence, "column", mismatch.column());
        put(evidence, "expectedType", mismatch.expected());
        put(evidence, "foundType", mismatch.found());
        String mapper = mismatch.entity() == null ? "the entities"
                : "entity " + mismatch.entity() + (mismatch.attribute() == null ? ""
                : " (attribute " + mismatch.attribute() + ")");
        String message;
        String remedy;
        switch (mismatch.problem()) {
            case MISSING_TABLE -> {
                message = mapper + " maps table " + table + ", which the migrated database does not have";
                remedy = String.format(EXPAND_CONTRACT, "table (or a view by its name)");
            }
            case MISSING_COLUMN -> {
                message = mapper + " maps column " + mismatch.column() + " of table " + table + ", which the "
                        + "migrated database does not have";
                remedy = String.format(EXPAND_CONTRACT, "column");
            }
            case WRONG_TYPE -> {
                message = mapper + " maps column " + mismatch.column() + " of table " + table + " as "
                        + mismatch.expected() + ", but the migrated database has " + mismatch.found();
                remedy = "change a type in steps: add a column of the new type beside the old one, write both until "
                        + "the version of the application that maps the new one is deployed everywhere, then drop the "
                        + "old one; or map the attribute to the type the migrations give";
            }
            default -> {
                message = "the entities use sequence " + table + ", which the migrated database does not have";
                remedy = String.format(EXPAND_CONTRACT, "sequence");
            }
        }
        message += ": the new version of the application fails on it when it starts (Hibernate validation) or "
                + "queries it" + (mismatch.words() == null ? "" : " — Hibernate: " + mismatch.words());
        Optional<Table> before = context.before() == null ? Optional.empty()
                : context.before().table(mismatch.schema(), mismatch.table());
        if (context.before() != null && wasSoBefore(context, mismatch, before)) {
            // not the migrations' doing: say so, or a team adding the check to a running application looks for
            // the migration that broke it
            evidence.put("beforeTheMigrations", true);
            message += ". It was so before the migrations too: the entities do not match the database the application "
                    + "runs on now";
            remedy = "map the entity to the database as it is, or add the migration that makes what it maps; to "
                    + "report it without blocking, " + Policy.SEVERITIES.spelled(FindingKinds.ENTITY_MISMATCH
                    + "=warning");
        }
        if (before.isEmpty()) {
            return new Finding(FindingKinds.ENTITY_MISMATCH, Severity.BLOCKING, null, null, message, evidence,
                    remedy);
        }
        String[] names = mismatch.column() == null ? new String[]{mismatch.table()} : new String[]{mismatch.column()};
        return Attribution.changed(context, before.get().oid(), FindingKinds.ENTITY_MISMATCH, Severity.BLOCKING,
                message, evidence, remedy, names);
    }

    /** True when the database had the mismatch before the migrations too: they did not change what is mapped. */
    private static boolean wasSoBefore(CheckContext context, Mismatch mismatch, Optional<Table> before) {
        Optional<Table> after = context.after() == null ? Optional.empty()
                : context.after().table(mismatch.schema(), mismatch.table());
        return switch (mismatch.problem()) {
            case MISSING_TABLE -> before.isEmpty();
            case MISSING_COLUMN -> before.flatMap(table -> table.column(mismatch.column())).isEmpty();
            case WRONG_TYPE -> before.flatMap(table -> table.column(mismatch.column())).map(Table.Column::type)
                    .equals(after.flatMap(table -> table.column(mismatch.column())).map(Table.Column::type));
            case MISSING_SEQUENCE -> context.before().sequences().stream().noneMatch(sequence ->
                    sequence.schema().equals(mismatch.schema()) && sequence.name().equals(mismatch.table()));
        };
    }

    private static void put(Map<String, Object> evidence, String key, String value) {
        if (value != null) {
            evidence.put(key, value);
        }
    }
}
