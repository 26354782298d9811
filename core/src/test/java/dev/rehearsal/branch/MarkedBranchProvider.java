package dev.rehearsal.branch;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A provider of someone else's jar, for the front ends' tests, which pack it into a jar of its own with
 * {@link #jar(Path)} (never on the front end's class path): template copies named {@code marked_...}, each name
 * written to the file of the option {@code marker} as the branch is made. It does not manage named branches.
 */
public final class MarkedBranchProvider implements BranchProvider {
    /** The file that each branch's name is appended to. */
    public static final Setting MARKER = Setting.branchOption("marker", "MarkedBranchProvider(...)");
    /** The prefix of its branches. */
    public static final String PREFIX = "marked_";

    private final BranchProvider copies = TemplateBranchProvider.builder().prefix(PREFIX).build();
    private final Path marker;

    private MarkedBranchProvider(Path marker) {
        this.marker = marker;
    }

    @Override
    public String name() {
        return "marked";
    }

    @Override
    public Branch create(BranchRequest request) {
        Branch branch = copies.create(request);
        try {
            Files.writeString(marker, branch.name() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            branch.close();
            throw new UncheckedIOException(e);
        }
        return branch;
    }

    @Override
    public void validate(DatabaseLocation target) {
        copies.validate(target);
    }

    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        return copies.reapOrphans(target, now);
    }

    /** Writes {@code jar}: this provider's classes and a service file naming its factory, nothing else. */
    public static Path jar(Path jar) throws IOException {
        Path classes;
        try {
            classes = Path.of(MarkedBranchProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        String directory = MarkedBranchProvider.class.getPackageName().replace('.', '/') + "/";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            // the test classes are a directory (this module's) or the test-jar (another module's)
            for (Map.Entry<String, byte[]> type : classFiles(classes, directory).entrySet()) {
                out.putNextEntry(new JarEntry(type.getKey()));
                out.write(type.getValue());
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + BranchProviderFactory.class.getName()));
            out.write((Factory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** The class files of this provider, by their path in a jar. */
    private static Map<String, byte[]> classFiles(Path classes, String directory) throws IOException {
        String stem = directory + MarkedBranchProvider.class.getSimpleName();
        Map<String, byte[]> files = new TreeMap<>();
        if (Files.isDirectory(classes)) {
            try (Stream<Path> listed = Files.list(classes.resolve(directory))) {
                for (Path type : listed.toList()) {
                    String name = directory + type.getFileName();
                    if (name.startsWith(stem + ".") || name.startsWith(stem + "$")) {
                        files.put(name, Files.readAllBytes(type));
                    }
                }
            }
        } else {
            try (JarFile testJar = new JarFile(classes.toFile())) {
                for (JarEntry entry : Collections.list(testJar.entries())) {
                    if (entry.getName().startsWith(stem + ".") || entry.getName().startsWith(stem + "$")) {
                        files.put(entry.getName(), testJar.getInputStream(entry).readAllBytes());
                    }
                }
            }
        }
        return files;
    }

    /** Registered, in the jar of {@link #jar(Path)} only, as the provider {@code marked}. */
    public static final class Factory implements BranchProviderFactory {
        @Override
        public String name() {
            return "marked";
        }

        @Override
        public String description() {
            return "template copies named marked_..., each recorded in a file";
        }

        @Override
        public List<Setting> options() {
            return List.of(MARKER);
        }

        @Override
        public Class<MarkedBranchProvider> providerType() {
            return MarkedBranchProvider.class;
        }

        @Override
        public BranchProvider create(Options options) {
            return new MarkedBranchProvider(options.path(MARKER).orElseThrow(() -> new ConfigurationException(
                    "The marked branch provider needs its option: " + MARKER.spelled("<file>"))));
        }
    }
}
