package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core without Hibernate on the class path, as every application without JPA has it (hibernate-core is an optional
 * dependency, for {@code EntityModelCheck} only): core's classes are loaded again by a class loader that has no
 * {@code org.hibernate} and no {@code jakarta.persistence}.
 */
class WithoutHibernateTest {
    private final ClassLoader withoutHibernate = new WithoutHibernate(getClass().getClassLoader());

    @Test
    void configuresAndLoadsARehearsalWithoutHibernate() throws ReflectiveOperationException {
        Object builder = type("dev.rehearsal.Rehearsal").getMethod("configure").invoke(null);
        Object engine = type("dev.rehearsal.testing.ScriptEngine").getConstructor().newInstance();
        invoke(builder, "target", new Class<?>[]{String.class, String.class, String.class},
                "jdbc:postgresql://localhost:5432/shop", "app", "secret");
        invoke(builder, "engine", new Class<?>[]{type("dev.rehearsal.engine.MigrationEngine")}, engine);

        Object rehearsal = invoke(builder, "load", new Class<?>[0]);

        assertThat(rehearsal.getClass().getClassLoader()).isSameAs(withoutHibernate);
        assertThat((List<?>) type("dev.rehearsal.check.Check").getMethod("builtIn").invoke(null)).isNotEmpty();
    }

    @Test
    void noClassOfCoreButTheHibernateModelNamesAHibernateTypeInItsSignatures() throws IOException {
        Path classes = classesOfCore();
        try (Stream<Path> files = Files.walk(classes)) {
            List<String> names = files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .filter(name -> !name.startsWith("dev.rehearsal.check.HibernateEntityModel"))
                    .filter(name -> !name.endsWith("package-info")).toList();
            assertThat(names).contains("dev.rehearsal.check.EntityModelCheck", "dev.rehearsal.Rehearsal$Builder");
            for (String name : names) {
                Class<?> type = type(name);
                // resolves every type its fields and methods name
                assertThat(type.getDeclaredFields()).as(name).isNotNull();
                assertThat(type.getDeclaredMethods()).as(name).isNotNull();
                assertThat(type.getDeclaredConstructors()).as(name).isNotNull();
            }
        }
    }

    @Test
    void validateEntitiesNamesTheMissingHibernate() throws ReflectiveOperationException {
        Object builder = type("dev.rehearsal.Rehearsal").getMethod("configure").invoke(null);
        Method validateEntities = builder.getClass().getMethod("validateEntities", Class[].class);

        assertThatThrownBy(() -> {
            try {
                validateEntities.invoke(builder, (Object) new Class<?>[]{Object.class});
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }).satisfies(e -> assertThat(e.getClass().getName()).isEqualTo("dev.rehearsal.api.ConfigurationException"))
                .hasMessageContaining("validateEntities(...)").hasMessageContaining("org.hibernate.orm:hibernate-core");
    }

    private Class<?> type(String name) {
        try {
            return Class.forName(name, false, withoutHibernate);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static Object invoke(Object target, String method, Class<?>[] types, Object... arguments)
            throws ReflectiveOperationException {
        return target.getClass().getMethod(method, types).invoke(target, arguments);
    }

    private static Path classesOfCore() {
        try {
            return Path.of(Rehearsal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Core's classes (main and test) of its own, the rest from the parent, and no Hibernate, nor JPA. */
    private static final class WithoutHibernate extends ClassLoader {
        WithoutHibernate(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.hibernate.") || name.startsWith("jakarta.persistence.")) {
                throw new ClassNotFoundException(name + " (left out: the application has no Hibernate)");
            }
            if (!name.startsWith("dev.rehearsal.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return getParent().getResourceAsStream(name);
        }
    }
}
