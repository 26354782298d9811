package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The shape of core, read from its compiled classes: no cycles between its packages (jdeps), a small public surface,
 * the non-API packages marked as such and left out of the javadoc, and no internal type in a signature of the API.
 * Each failure says what to change: the cycle with the class-level dependencies that make it, the public types per
 * package, the package-info or exclusion that is missing, the member that shows an internal type.
 */
class ArchitectureTest {
    /** Core's API: what applications, adapters and front ends may use. Everything else is not API. */
    static final List<String> API_PACKAGES = List.of("dev.rehearsal", "dev.rehearsal.api", "dev.rehearsal.outcome",
            "dev.rehearsal.engine", "dev.rehearsal.catalog", "dev.rehearsal.check", "dev.rehearsal.trace",
            "dev.rehearsal.report", "dev.rehearsal.branch", "dev.rehearsal.branch.copy", "dev.rehearsal.branch.neon");
    /**
     * Caffeine-like: the implementation behind a small public surface. A new public type is a promise to users: add
     * one only as an entry point, nest a type that is part of another, keep the rest package-private.
     */
    static final double MAX_PUBLIC_SHARE = 0.40;
    /** Printed at most per dependency between two packages of a cycle; the first few show where to cut. */
    private static final int EDGES_SHOWN = 8;
    private static final String NOT_API = "Not API";

    /** Core's module directory, found from its classes (target/classes), whatever the working directory. */
    private static Path module;
    private static Path classes;
    /** Class-level dependencies between core's classes, nested classes included: source to targets. */
    private static SortedMap<String, SortedSet<String>> classEdges;
    /** Core's top-level types (no package-info), by binary name. */
    private static List<String> topLevelTypes;

    @BeforeAll
    static void readTheClasses() throws IOException, URISyntaxException {
        classes = Path.of(Rehearsal.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        module = classes.getParent().getParent();
        long start = System.nanoTime();
        classEdges = jdeps(classes);
        System.out.printf(Locale.ROOT, "ArchitectureTest: jdeps read %d classes in %d ms%n", classEdges.size(),
                (System.nanoTime() - start) / 1_000_000);
        try (Stream<Path> files = Files.walk(classes)) {
            topLevelTypes = files.map(classes::relativize).map(Path::toString)
                    .filter(name -> name.endsWith(".class") && !name.contains("$") && !name.endsWith("package-info.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .sorted().toList();
        }
    }

    @Test
    void hasNoCycleBetweenItsPackages() {
        Map<String, Map<String, SortedSet<String>>> packageEdges = packageEdges();
        List<SortedSet<String>> cycles = stronglyConnected(packageEdges).stream().filter(c -> c.size() > 1).toList();

        StringBuilder message = new StringBuilder();
        for (SortedSet<String> cycle : cycles) {
            message.append("Package cycle among ").append(String.join(", ", cycle)).append(" (e.g. ")
                    .append(String.join(" -> ", shortestCycle(cycle.first(), cycle, packageEdges)))
                    .append("); its dependencies, the thinnest first:\n");
            record Dependency(String from, String to, SortedSet<String> edges) {
            }
            List<Dependency> inside = new ArrayList<>();
            for (String from : cycle) {
                packageEdges.getOrDefault(from, Map.of()).forEach((to, edges) -> {
                    if (cycle.contains(to)) {
                        inside.add(new Dependency(from, to, edges));
                    }
                });
            }
            inside.sort((a, b) -> a.edges().size() != b.edges().size() ? a.edges().size() - b.edges().size()
                    : (a.from() + a.to()).compareTo(b.from() + b.to()));
            for (Dependency dependency : inside) {
                message.append("  ").append(dependency.from()).append(" -> ").append(dependency.to()).append(" (")
                        .append(dependency.edges().size()).append(" class-level):\n");
                dependency.edges().stream().limit(EDGES_SHOWN)
                        .forEach(edge -> message.append("      ").append(edge).append('\n'));
                if (dependency.edges().size() > EDGES_SHOWN) {
                    message.append("      ... and ").append(dependency.edges().size() - EDGES_SHOWN).append(" more\n");
                }
            }
        }
        System.out.println("ArchitectureTest: " + packages().size() + " packages in core, "
                + packageEdges.values().stream().mapToInt(Map::size).sum() + " dependencies between them, "
                + cycles.size() + " package cycle(s)");
        assertThat(cycles).withFailMessage("%s", message).isEmpty();
    }

    @Test
    void keepsTheShareOfPublicTopLevelTypesFromGrowing() {
        SortedMap<String, int[]> perPackage = new TreeMap<>(); // package -> {public, all}
        List<String> publicTypes = new ArrayList<>();
        for (String name : topLevelTypes) {
            int[] counts = perPackage.computeIfAbsent(packageOf(name), p -> new int[2]);
            counts[1]++;
            if (Modifier.isPublic(load(name).getModifiers())) {
                counts[0]++;
                publicTypes.add(name);
            }
        }
        int all = topLevelTypes.size();
        int allowed = (int) Math.floor(all * MAX_PUBLIC_SHARE);
        String count = String.format(Locale.ROOT, "%d of core's %d top-level types are public (%.1f %%)",
                publicTypes.size(), all, 100.0 * publicTypes.size() / all);
        System.out.println("ArchitectureTest: " + count);

        assertThat(publicTypes.size()).withFailMessage("%s; at most %.0f %% (%d) may be. Public per package:%n%s",
                count, 100 * MAX_PUBLIC_SHARE, allowed, perPackage.entrySet().stream()
                        .map(e -> "  " + e.getKey() + ": " + e.getValue()[0] + " of " + e.getValue()[1])
                        .collect(Collectors.joining("\n")))
                .isLessThanOrEqualTo(allowed);
    }

    @Test
    void describesEveryPackageInAPackageInfo() {
        List<String> undescribed = packages().stream()
                .filter(p -> !Files.isRegularFile(packageInfo(p))).toList();

        assertThat(undescribed).withFailMessage("These packages of core have no package-info.java saying what they "
                + "are for (and, for a package that is not API, that it is not): %s", undescribed).isEmpty();
    }

    @Test
    void marksEveryInternalPackageAsNotApiAndLeavesItOutOfTheJavadoc() throws Exception {
        List<String> exclusions = javadocExclusions(module.getParent().resolve("pom.xml"));
        List<String> problems = new ArrayList<>();
        for (String name : packages()) {
            boolean saysNotApi = Files.isRegularFile(packageInfo(name))
                    && Files.readString(packageInfo(name)).contains(NOT_API);
            boolean internal = isInternal(name) || saysNotApi;
            if (internal && API_PACKAGES.contains(name)) {
                problems.add(name + " is listed as API in this test, yet it is internal");
            }
            if (internal && !saysNotApi) {
                problems.add(name + ": its package-info.java does not say \"" + NOT_API
                        + ": may change in any release ...\"");
            }
            if (internal && exclusions.stream().noneMatch(exclusion -> javadocExcludes(exclusion, name))) {
                problems.add(name + " is not left out of the javadoc: add it to the excludePackageNames of "
                        + "maven-javadoc-plugin in the root pom.xml (now " + exclusions + ")");
            }
            if (!internal && !API_PACKAGES.contains(name)) {
                problems.add(name + " is neither API (ArchitectureTest.API_PACKAGES) nor marked \"" + NOT_API + "\"");
            }
        }

        assertThat(problems).withFailMessage("%s", String.join("\n", problems)).isEmpty();
    }

    @Test
    void readsAnExclusionOfTheJavadocAsThePluginDoes() {
        // what the check above relies on, as the plugin's own run showed it: the whole name, '*' for any characters
        assertThat(javadocExcludes("dev.rehearsal.internal", "dev.rehearsal.internal")).isTrue();
        assertThat(javadocExcludes("dev.rehearsal.internal", "dev.rehearsal.internal.pipeline")).isFalse();
        assertThat(javadocExcludes("dev.rehearsal.internal.*", "dev.rehearsal.internal.pipeline")).isTrue();
        assertThat(javadocExcludes("dev.rehearsal.internal*", "dev.rehearsal.internal.pipeline")).isTrue();
        assertThat(javadocExcludes("dev.rehearsal.internal*", "dev.rehearsal.internal")).isFalse();
        assertThat(javadocExcludes("*.internal", "dev.rehearsal.internal")).isTrue();
        assertThat(javadocExcludes("*.internal", "dev.rehearsal.internalize")).isFalse();
    }

    @Test
    void showsNoInternalTypeInTheSignaturesOfItsApi() {
        List<String> leaks = new ArrayList<>();
        for (String name : topLevelTypes) {
            if (!API_PACKAGES.contains(packageOf(name))) {
                continue;
            }
            Deque<Class<?>> types = new ArrayDeque<>(List.of(load(name)));
            while (!types.isEmpty()) {
                Class<?> type = types.pop();
                if (!isVisible(type.getModifiers())) {
                    continue;
                }
                types.addAll(Arrays.asList(type.getDeclaredClasses()));
                List<Type> supertypes = new ArrayList<>(Arrays.asList(type.getGenericInterfaces()));
                if (type.getGenericSuperclass() != null) {
                    supertypes.add(type.getGenericSuperclass());
                }
                reportInternal(type.getName() + " (its supertypes)", supertypes, leaks);
                for (Field field : type.getDeclaredFields()) {
                    if (isVisible(field.getModifiers()) && !field.isSynthetic()) {
                        reportInternal(field.toGenericString(), List.of(field.getGenericType()), leaks);
                    }
                }
                List<Executable> executables = new ArrayList<>(Arrays.asList(type.getDeclaredConstructors()));
                executables.addAll(Arrays.asList(type.getDeclaredMethods()));
                for (Executable executable : executables) {
                    if (!isVisible(executable.getModifiers()) || executable.isSynthetic()
                            || executable instanceof Method method && method.isBridge()) {
                        continue;
                    }
                    List<Type> signature = new ArrayList<>(Arrays.asList(executable.getGenericParameterTypes()));
                    signature.addAll(Arrays.asList(executable.getGenericExceptionTypes()));
                    if (executable instanceof Method method) {
                        signature.add(method.getGenericReturnType());
                    }
                    reportInternal(executable.toGenericString(), signature, leaks);
                }
            }
        }

        assertThat(leaks).withFailMessage("The API shows types of internal packages, which may change in any "
                + "release:\n%s", String.join("\n", leaks)).isEmpty();
    }

    /** Runs jdeps in this JVM: every class-level dependency of a class of core on a class of core. */
    private static SortedMap<String, SortedSet<String>> jdeps(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is not in this JDK (module jdk.jdeps)"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(err),
                "-verbose:class", "-filter:none", "-e", "dev\\.rehearsal\\..*", classes.toString());
        if (exit != 0) {
            throw new IllegalStateException("jdeps ended with " + exit + ": " + err + out);
        }
        // "   dev.rehearsal.Rehearsal      -> dev.rehearsal.api.DatabaseLocation      classes"
        Pattern line = Pattern.compile("^\\s+(dev\\.rehearsal\\.\\S+)\\s+->\\s+(dev\\.rehearsal\\.\\S+)\\s+\\S+$");
        SortedMap<String, SortedSet<String>> edges = new TreeMap<>();
        out.toString().lines().map(line::matcher).filter(Matcher::matches)
                .forEach(m -> edges.computeIfAbsent(m.group(1), c -> new TreeSet<>()).add(m.group(2)));
        if (edges.isEmpty()) {
            throw new IllegalStateException("jdeps found no dependency in " + classes + ":\n" + out + err);
        }
        return edges;
    }

    /** Package to package, each with the class-level edges ("a.B -> c.D") that make it; no package to itself. */
    private static Map<String, Map<String, SortedSet<String>>> packageEdges() {
        Map<String, Map<String, SortedSet<String>>> edges = new TreeMap<>();
        classEdges.forEach((from, targets) -> targets.forEach(to -> {
            if (!packageOf(from).equals(packageOf(to))) {
                edges.computeIfAbsent(packageOf(from), p -> new TreeMap<>())
                        .computeIfAbsent(packageOf(to), p -> new TreeSet<>()).add(from + " -> " + to);
            }
        }));
        return edges;
    }

    /** Tarjan's strongly connected components: a component of more than one package is a cycle. */
    private static List<SortedSet<String>> stronglyConnected(Map<String, Map<String, SortedSet<String>>> graph) {
        Set<String> nodes = new TreeSet<>(graph.keySet());
        graph.values().forEach(targets -> nodes.addAll(targets.keySet()));
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new LinkedHashSet<>();
        List<SortedSet<String>> components = new ArrayList<>();
        Function<String, Set<String>> successors = node -> graph.getOrDefault(node, Map.of()).keySet();
        for (String start : nodes) {
            if (!index.containsKey(start)) {
                connect(start, successors, index, low, stack, onStack, components);
            }
        }
        return components;
    }

    private static void connect(String node, Function<String, Set<String>> successors, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<SortedSet<String>> components) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : successors.apply(node)) {
            if (!index.containsKey(next)) {
                connect(next, successors, index, low, stack, onStack, components);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            SortedSet<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }

    /** A shortest way from a package back to itself inside its component, by breadth-first search. */
    private static List<String> shortestCycle(String start, Set<String> component,
                                              Map<String, Map<String, SortedSet<String>>> edges) {
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String node = queue.removeFirst();
            for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
                if (!component.contains(next)) {
                    continue;
                }
                if (next.equals(start)) {
                    Deque<String> path = new ArrayDeque<>(List.of(start));
                    for (String at = node; at != null; at = cameFrom.get(at)) {
                        path.addFirst(at);
                    }
                    return List.copyOf(path);
                }
                if (!cameFrom.containsKey(next)) {
                    cameFrom.put(next, node);
                    queue.addLast(next);
                }
            }
        }
        throw new IllegalStateException(start + " is on no cycle of " + component);
    }

    private static void reportInternal(String where, List<Type> signature, List<String> leaks) {
        Set<Class<?>> mentioned = new LinkedHashSet<>();
        signature.forEach(type -> collect(type, mentioned, new HashSet<>()));
        List<String> internal = mentioned.stream().filter(c -> isInternal(c.getPackageName()))
                .map(Class::getName).toList();
        if (!internal.isEmpty()) {
            leaks.add("  " + where + " mentions " + String.join(", ", internal));
        }
    }

    /** Every class a type names: its raw class, type arguments, bounds and array components. */
    private static void collect(Type type, Set<Class<?>> classes, Set<Type> seen) {
        if (!seen.add(type)) {
            return; // a recursive bound, e.g. <T extends Comparable<T>>
        }
        if (type instanceof Class<?> c) {
            classes.add(c.isArray() ? c.componentType() : c);
            if (c.isArray()) {
                collect(c.componentType(), classes, seen);
            }
        } else if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), classes, seen);
            Arrays.stream(p.getActualTypeArguments()).forEach(t -> collect(t, classes, seen));
        } else if (type instanceof WildcardType w) {
            Stream.concat(Arrays.stream(w.getUpperBounds()), Arrays.stream(w.getLowerBounds()))
                    .forEach(t -> collect(t, classes, seen));
        } else if (type instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), classes, seen);
        } else if (type instanceof TypeVariable<?> v) {
            Arrays.stream(v.getBounds()).forEach(t -> collect(t, classes, seen));
        }
    }


    /** Public or protected: what a caller or a subclass outside the package sees. */
    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    static boolean isInternal(String packageName) {
        return packageName.contains("internal");
    }

    /** The packages of core: those with classes, and those with sources only (a package-info). */
    private static SortedSet<String> packages() {
        SortedSet<String> packages = topLevelTypes.stream().map(ArchitectureTest::packageOf)
                .collect(Collectors.toCollection(TreeSet::new));
        Path sources = module.resolve("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(file -> file.toString().endsWith(".java"))
                    .map(file -> sources.relativize(file.getParent()).toString().replace(file.getFileSystem()
                            .getSeparator(), "."))
                    .forEach(packages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packages;
    }

    private static Path packageInfo(String packageName) {
        return module.resolve("src/main/java").resolve(packageName.replace('.', '/')).resolve("package-info.java");
    }

    /** The excludePackageNames of maven-javadoc-plugin in a pom, split as the plugin does (':', ',' or ';'). */
    static List<String> javadocExclusions(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList values = (NodeList) XPathFactory.newInstance().newXPath()
                .evaluate("//plugin[artifactId='maven-javadoc-plugin']//excludePackageNames", document,
                        XPathConstants.NODESET);
        List<String> exclusions = new ArrayList<>();
        for (int i = 0; i < values.getLength(); i++) {
            Arrays.stream(values.item(i).getTextContent().split("[:,;]")).map(String::trim)
                    .filter(s -> !s.isEmpty()).forEach(exclusions::add);
        }
        return exclusions;
    }

    /**
     * Whether maven-javadoc-plugin (3.12.0) leaves a package out for one entry of excludePackageNames: the whole
     * package name must match, and a '*' stands for one or more characters, dots included. So
     * {@code dev.rehearsal.internal*} leaves out {@code dev.rehearsal.internal.pipeline} but not
     * {@code dev.rehearsal.internal} itself, and {@code dev.rehearsal.internal} not its subpackages (both seen by
     * running the plugin). The plugin applies two patterns, one to package folders, one to files; this is their union.
     */
    static boolean javadocExcludes(String exclusion, String packageName) {
        return packageName.matches(exclusion.replace(".", "\\.").replace("*", ".+"));
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ArchitectureTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(name + " is in " + classes + " but cannot be loaded", e);
        }
    }
}
