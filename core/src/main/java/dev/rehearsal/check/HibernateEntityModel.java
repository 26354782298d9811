package dev.rehearsal.check;

import dev.rehearsal.api.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.boot.model.relational.Sequence;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.config.spi.ConfigurationService;
import org.hibernate.mapping.Collection;
import org.hibernate.mapping.Column;
import org.hibernate.mapping.Component;
import org.hibernate.mapping.Join;
import org.hibernate.mapping.PersistentClass;
import org.hibernate.mapping.Property;
import org.hibernate.mapping.Table;
import org.hibernate.mapping.Value;
import org.hibernate.tool.schema.extract.spi.ColumnInformation;
import org.hibernate.tool.schema.extract.spi.SequenceInformation;
import org.hibernate.tool.schema.extract.spi.TableInformation;
import org.hibernate.tool.schema.internal.AbstractSchemaValidator;
import org.hibernate.tool.schema.internal.GroupedSchemaValidatorImpl;
import org.hibernate.tool.schema.internal.HibernateSchemaManagementTool;
import org.hibernate.tool.schema.spi.ContributableMatcher;
import org.hibernate.tool.schema.spi.ExecutionOptions;
import org.hibernate.tool.schema.spi.SchemaFilter;
import org.hibernate.tool.schema.spi.SchemaManagementException;
import org.hibernate.tool.schema.spi.SchemaManagementTool;

/**
 * The Hibernate side of {@link EntityModelCheck}, the one class of core that names Hibernate's types: it is loaded
 * only when an entity model is checked, so that core runs without Hibernate on the class path otherwise.
 *
 * <p>Works with Hibernate 6.6 and 7.x alike: it calls only what both have with the same signature (checked with
 * {@code javap} on 6.6.33 and 7.2.19), and the one method whose signature differs between them,
 * {@code AbstractSchemaValidator.validateColumnType} (6.6 takes the {@code ExecutionOptions}, 7 does not), by
 * reflection, so that the type rule and its words stay Hibernate's own.
 */
final class HibernateEntityModel {
    private static final String JPA_ANNOTATIONS = "jakarta.persistence.";

    /** What Hibernate's validation found wrong, in plain values (no Hibernate type leaves this class). */
    enum Problem { MISSING_TABLE, MISSING_COLUMN, WRONG_TYPE, MISSING_SEQUENCE }

    /**
     * One mismatch between the entities and the database.
     *
     * @param entity    the entity class's name, or null for a sequence
     * @param attribute the attribute that maps the column ({@code address.street} inside an embeddable), or null
     * @param schema    the schema of the table (the branch's current schema when the mapping names none)
     * @param table     the table, as PostgreSQL names it (unquoted names folded to lower case)
     * @param column    the column, likewise, or null
     * @param expected  the type the mapping expects, for a wrong type
     * @param found     the type the database has, for a wrong type
     * @param words     Hibernate's own words for it, where it has them
     */
    record Mismatch(Problem problem, String entity, String attribute, String schema, String table, String column,
                    String expected, String found, String words) {
    }

    private HibernateEntityModel() {
    }

    /**
     * Builds the entities' boot model without touching a database, so that a class that is no entity or a broken
     * mapping is a configuration error before any branch is made.
     */
    static void check(List<Class<?>> classes, Map<String, Object> settings, ClassLoader loader) {
        StandardServiceRegistry registry = registry(settings, loader, null);
        try {
            metadata(classes, registry);
        } finally {
            StandardServiceRegistryBuilder.destroy(registry);
        }
    }

    /** Every mismatch between the entities and the database behind {@code database}, by Hibernate's rules. */
    static List<Mismatch> validate(List<Class<?>> classes, Map<String, Object> settings, ClassLoader loader,
                                   DataSource database, String currentSchema) {
        StandardServiceRegistry registry = registry(settings, loader, database);
        try {
            Metadata metadata = metadata(classes, registry);
            Map<String, Object> values = registry.getService(ConfigurationService.class).getSettings();
            ExecutionOptions options = new ExecutionOptions() {
                @Override
                public Map<String, Object> getConfigurationValues() {
                    return values;
                }

                @Override
                public boolean shouldManageNamespaces() {
                    return false;
                }

                @Override
                public org.hibernate.tool.schema.spi.ExceptionHandler getExceptionHandler() {
                    return e -> {
                        throw e;
                    };
                }
            };
            CollectingValidator validator = new CollectingValidator(
                    (HibernateSchemaManagementTool) registry.getService(SchemaManagementTool.class),
                    Owners.of(metadata), currentSchema);
            validator.doValidation(metadata, options, ContributableMatcher.ALL);
            return validator.mismatches;
        } finally {
            StandardServiceRegistryBuilder.destroy(registry);
        }
    }

    private static StandardServiceRegistry registry(Map<String, Object> settings, ClassLoader loader,
                                                    DataSource database) {
        StandardServiceRegistryBuilder builder = new StandardServiceRegistryBuilder(
                new BootstrapServiceRegistryBuilder().applyClassLoader(loader).build());
        settings.forEach((name, value) -> {
            // the branch is the only database: the application's own connection settings point at the target
            if (!name.startsWith("hibernate.connection.") && !name.startsWith("jakarta.persistence.jdbc.")
                    && !name.startsWith("javax.persistence.jdbc.") && !name.endsWith("DataSource")) {
                builder.applySetting(name, value);
            }
        });
        if (database == null) {
            // Hibernate 6.5+ and 7 name it so: the model is built without a connection, the dialect chosen by the
            // product's name as JPA says it (a hibernate.dialect for PostgreSQL makes Hibernate 7 warn that it is not
            // needed, to users who never set it); on the branch Hibernate asks the server
            builder.applySetting("hibernate.boot.allow_jdbc_metadata_access", false);
            if (!settings.containsKey("hibernate.dialect")) {
                builder.applySetting("jakarta.persistence.database-product-name", "PostgreSQL");
            }
        } else {
            builder.applySetting("hibernate.connection.datasource", database);
        }
        return builder.build();
    }

    private static Metadata metadata(List<Class<?>> classes, StandardServiceRegistry registry) {
        MetadataSources sources = new MetadataSources(registry);
        for (Class<?> type : classes) {
            if (!managed(type)) {
                throw new ConfigurationException(EntityModelCheck.ENTITIES.spelled() + ": " + type.getName() + " is not a JPA "
                        + "entity: it has no @Entity (nor @Embeddable, @MappedSuperclass or @Converter). Give only "
                        + "the application's entity classes to " + EntityModelCheck.ENTITIES.spelled());
            }
            sources.addAnnotatedClass(type);
        }
        try {
            return sources.buildMetadata();
        } catch (RuntimeException e) {
            throw new ConfigurationException(EntityModelCheck.ENTITIES.spelled() + ": Hibernate cannot map the entities ("
                    + e.getMessage() + "): fix the mapping, or give the Hibernate settings the application uses "
                    + "(naming strategies, types) with EntityModelCheck.withProperties(...)", e);
        }
    }

    /** True for a class JPA manages: an entity, an embeddable, a mapped superclass or an attribute converter. */
    private static boolean managed(Class<?> type) {
        for (var annotation : type.getAnnotations()) {
            String name = annotation.annotationType().getName();
            if (name.equals(JPA_ANNOTATIONS + "Entity") || name.equals(JPA_ANNOTATIONS + "Embeddable")
                    || name.equals(JPA_ANNOTATIONS + "MappedSuperclass") || name.equals(JPA_ANNOTATIONS + "Converter")) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL's name for an identifier: as written when quoted, folded to lower case otherwise. */
    private static String folded(String name, boolean quoted) {
        return name == null ? null : quoted ? name : name.toLowerCase(Locale.ROOT);
    }

    /** Which entity and attribute map each table and column. */
    private record Owners(Map<Table, String[]> tables, Map<Table, Map<String, String[]>> columns) {
        static Owners of(Metadata metadata) {
            Owners owners = new Owners(new IdentityHashMap<>(), new IdentityHashMap<>());
            List<PersistentClass> entities = new ArrayList<>(metadata.getEntityBindings());
            // a superclass first: an inherited attribute is named by the entity that declares it
            entities.sort(Comparator.comparingInt(Owners::depth));
            for (PersistentClass entity : entities) {
                String name = entity.getClassName() != null ? entity.getClassName() : entity.getEntityName();
                owners.tables.putIfAbsent(entity.getTable(), new String[]{name, null});
                for (Join join : entity.getJoins()) {
                    owners.tables.putIfAbsent(join.getTable(), new String[]{name, null});
                }
                if (entity.getIdentifierProperty() != null) {
                    owners.attribute(name, entity.getIdentifierProperty(), "");
                }
                for (Property property : entity.getPropertyClosure()) {
                    owners.attribute(name, property, "");
                }
            }
            return owners;
        }

        private static int depth(PersistentClass entity) {
            int depth = 0;
            for (PersistentClass up = entity.getSuperclass(); up != null; up = up.getSuperclass()) {
                depth++;
            }
            return depth;
        }

        private void attribute(String entity, Property property, String prefix) {
            Value value = property.getValue();
            String attribute = prefix + property.getName();
            if (value instanceof Collection collection) {
                Table table = collection.getCollectionTable();
                tables.putIfAbsent(table, new String[]{entity, attribute});
                for (Column column : table.getColumns()) {
                    column(table, column, entity, attribute);
                }
            } else if (value instanceof Component component) {
                for (Property part : component.getProperties()) {
                    attribute(entity, part, attribute + ".");
                }
            } else {
                for (Column column : value.getColumns()) {
                    column(value.getTable(), column, entity, attribute);
                }
            }
        }

        private void column(Table table, Column column, String entity, String attribute) {
            columns.computeIfAbsent(table, t -> new HashMap<>()).putIfAbsent(column.getName(),
                    new String[]{entity, attribute});
        }

        /** The entity, and for a collection's table the attribute, that map the table. */
        String[] owner(Table table) {
            return tables.getOrDefault(table, new String[]{null, null});
        }

        String[] owner(Table table, Column column) {
            String[] owner = columns.getOrDefault(table, Map.of()).get(column.getName());
            return owner != null ? owner : new String[]{owner(table)[0], null};
        }
    }

    /**
     * Hibernate's own schema validator, which stops at the first mismatch, made to go on: each table, column and
     * sequence Hibernate checks, in its order and by its rules, is collected instead of thrown.
     */
    private static final class CollectingValidator extends GroupedSchemaValidatorImpl {
        private final Owners owners;
        private final String currentSchema;
        private final List<Mismatch> mismatches = new ArrayList<>();

        CollectingValidator(HibernateSchemaManagementTool tool, Owners owners, String currentSchema) {
            super(tool, SchemaFilter.ALL);
            this.owners = owners;
            this.currentSchema = currentSchema;
        }

        @Override
        protected void validateTable(Table table, TableInformation information, Metadata metadata,
                                     ExecutionOptions options, Dialect dialect) {
            String schema = table.getSchema() == null ? currentSchema : folded(table.getSchema(), false);
            String name = folded(table.getName(), table.isQuoted());
            if (information == null) {
                String[] owner = owners.owner(table);
                mismatches.add(new Mismatch(Problem.MISSING_TABLE, owner[0], owner[1], schema, name, null, null,
                        null, words(() -> super.validateTable(table, null, metadata, options, dialect))));
                return;
            }
            for (Column column : table.getColumns()) {
                String[] owner = owners.owner(table, column);
                String columnName = folded(column.getName(), column.isQuoted());
                ColumnInformation existing = information.getColumn(Identifier.toIdentifier(column.getQuotedName()));
                if (existing == null) {
                    mismatches.add(new Mismatch(Problem.MISSING_COLUMN, owner[0], owner[1], schema, name,
                            columnName, null, null, null));
                    continue;
                }
                String words = words(() -> hibernateTypeRule(table, column, existing, metadata, options, dialect));
                if (words != null) {
                    mismatches.add(new Mismatch(Problem.WRONG_TYPE, owner[0], owner[1], schema, name, columnName,
                            column.getSqlType(metadata).toLowerCase(Locale.ROOT),
                            existing.getTypeName().toLowerCase(Locale.ROOT), words));
                }
            }
        }

        @Override
        protected void validateSequence(Sequence sequence, SequenceInformation information) {
            if (information == null) {
                Identifier name = sequence.getName().getSequenceName();
                mismatches.add(new Mismatch(Problem.MISSING_SEQUENCE, null, null, currentSchema,
                        folded(name.getText(), name.isQuoted()), null, null, null,
                        words(() -> super.validateSequence(sequence, null))));
            }
        }

        /**
         * Hibernate's {@code validateColumnType}: {@code (table, column, columnInformation, metadata, options,
         * dialect)} in 6.6, the same without the options in 7. Its arguments are handed by type.
         */
        private void hibernateTypeRule(Table table, Column column, ColumnInformation information,
                                       Metadata metadata, ExecutionOptions options, Dialect dialect) {
            Method method = null;
            for (Method candidate : AbstractSchemaValidator.class.getDeclaredMethods()) {
                if (candidate.getName().equals("validateColumnType")) {
                    method = candidate;
                }
            }
            if (method == null) {
                throw new IllegalStateException("this Hibernate's AbstractSchemaValidator has no validateColumnType: "
                        + "EntityModelCheck works with Hibernate 6.6 and 7.x");
            }
            List<Object> given = List.of(table, column, information, metadata, options, dialect);
            Object[] arguments = new Object[method.getParameterCount()];
            for (int i = 0; i < arguments.length; i++) {
                Class<?> type = method.getParameterTypes()[i];
                arguments[i] = given.stream().filter(type::isInstance).findFirst().orElse(null);
            }
            try {
                method.setAccessible(true);
                method.invoke(this, arguments);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Hibernate's message when the step finds a mismatch, null when it finds none. */
        private static String words(Runnable step) {
            try {
                step.run();
                return null;
            } catch (SchemaManagementException e) {
                return e.getMessage();
            }
        }
    }
}
