package dev.rehearsal.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The extension on JUnit Jupiter 6: the same fixture test classes the EngineTestKit runs on JUnit 5, launched by
 * JUnit 6's own launcher in a class loader that holds JUnit 6 (copied aside by the build) instead of 5, with the
 * extension and everything else from this test class path.
 */
class Junit6CompatibilityIT {

    @Test
    void theFixturesPassOnJupiter6() throws Exception {
        Path junit6 = Path.of(System.getProperty("rehearsal.test.junit6", "target/junit6"));
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(junit6)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        assertThat(urls).as("JUnit 6 jars in " + junit6).hasSize(8);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // everything but JUnit 5 and the jars JUnit 6 brings in its own versions
            if (!entry.contains("/org/junit/") && !entry.contains("/org/opentest4j/")
                    && !entry.contains("/org/apiguardian/") && !entry.contains("surefire")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }

        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            long[] counts = launch(loader, MigratedDatabaseIT.PerMethod.class.getName(),
                    MigratedDatabaseIT.PerClass.class.getName(), MigratedDatabaseIT.PerClassStaticField.class.getName());

            assertThat(version(loader)).startsWith("6.");
            assertThat(counts).as("tests found, succeeded, failed").containsExactly(6, 6, 0);
        }
    }

    /** Runs the classes with JUnit 6's launcher; returns tests found, succeeded and failed. */
    private static long[] launch(ClassLoader loader, String... classNames) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?> selectors = loader.loadClass("org.junit.platform.engine.discovery.DiscoverySelectors");
            Class<?> selectorType = loader.loadClass("org.junit.platform.engine.DiscoverySelector");
            Object array = Array.newInstance(selectorType, classNames.length);
            for (int i = 0; i < classNames.length; i++) {
                Array.set(array, i, selectors.getMethod("selectClass", String.class).invoke(null, classNames[i]));
            }
            Class<?> requestBuilder = loader.loadClass(
                    "org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder");
            Object builder = requestBuilder.getMethod("request").invoke(null);
            builder = requestBuilder.getMethod("selectors", array.getClass()).invoke(builder, array);
            Object request = requestBuilder.getMethod("build").invoke(builder);
            Object launcher = loader.loadClass("org.junit.platform.launcher.core.LauncherFactory")
                    .getMethod("create").invoke(null);
            Class<?> listenerType = loader.loadClass("org.junit.platform.launcher.TestExecutionListener");
            Object summary = loader.loadClass("org.junit.platform.launcher.listeners.SummaryGeneratingListener")
                    .getConstructor().newInstance();
            Object listeners = Array.newInstance(listenerType, 1);
            Array.set(listeners, 0, summary);
            Method execute = launcher.getClass().getMethod("execute",
                    loader.loadClass("org.junit.platform.launcher.LauncherDiscoveryRequest"), listeners.getClass());
            execute.setAccessible(true);
            execute.invoke(launcher, request, listeners);
            Object result = summary.getClass().getMethod("getSummary").invoke(summary);
            return new long[] {count(result, "getTestsFoundCount"), count(result, "getTestsSucceededCount"),
                    count(result, "getTestsFailedCount")};
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static long count(Object summary, String getter) throws Exception {
        Method method = summary.getClass().getMethod(getter);
        method.setAccessible(true);
        return (long) method.invoke(summary);
    }

    private static String version(ClassLoader loader) throws IOException, ClassNotFoundException {
        Package jupiter = loader.loadClass("org.junit.jupiter.api.Test").getPackage();
        String version = jupiter.getImplementationVersion();
        return version == null ? "unknown" : version;
    }
}
