package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Maven run as a child process, the way a user's build runs: on a copy of a sample project, with the
 * project's artifacts from the repository where {@code maven-invoker-plugin:install} staged them
 * ({@value #STAGED_REPOSITORY_PROPERTY}, the child's local repository) and what they lack from the build's own local
 * repository ({@value #BUILD_REPOSITORY_PROPERTY}), then Maven Central. The child sees none of the build's
 * {@code REHEARSAL_*} variables: a sample gets only what its test gives it.
 */
public final class MavenProcess {
    /** The staged repository: the child's local repository. */
    public static final String STAGED_REPOSITORY_PROPERTY = "rehearsal.it.repo";
    /** The build's local repository, which the child reads as a remote one. */
    public static final String BUILD_REPOSITORY_PROPERTY = "rehearsal.it.buildRepository";
    /** The version of the staged artifacts, for the samples' {@code @project.version@}. */
    public static final String VERSION = System.getProperty("rehearsal.it.version", "0.1.0-SNAPSHOT");

    private static final Path STAGED_REPOSITORY = Path.of(System.getProperty(STAGED_REPOSITORY_PROPERTY,
            "target/it-repo")).toAbsolutePath();
    private static final Path BUILD_REPOSITORY = Path.of(System.getProperty(BUILD_REPOSITORY_PROPERTY,
            System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath();

    /** A finished run: its exit code and everything it printed. */
    public record Build(int exit, String output) {
    }

    /** A run under way, whose output is read as it goes. */
    public record Running(Process process, CompletableFuture<String> output) {
        /** Waits for the run to end (five minutes at most). */
        public Build result() throws Exception {
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            return new Build(process.exitValue(), output.get());
        }
    }

    private MavenProcess() {
    }

    /** A copy of the sample project {@code source} in {@code copy}, with each of {@code tokens} replaced in its files. */
    public static Path sample(Path source, Path copy, Map<String, String> tokens) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    String text = Files.readString(file);
                    for (Map.Entry<String, String> token : tokens.entrySet()) {
                        text = text.replace(token.getKey(), token.getValue());
                    }
                    Files.writeString(destination, text);
                }
            }
        }
        return copy;
    }

    /** A settings.xml that reads the build's local repository before Maven Central, with these {@code <server>}s. */
    public static String settings(String servers) {
        // the build's own local repository is asked first (nothing downloaded twice), Maven Central after it
        String repository = "<id>build</id><url>" + BUILD_REPOSITORY.toUri() + "</url><releases>"
                + "<checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
        return "<settings><profiles><profile><id>build-repository</id><repositories><repository>" + repository
                + "</repository></repositories><pluginRepositories><pluginRepository>" + repository
                + "</pluginRepository></pluginRepositories></profile></profiles><activeProfiles>"
                + "<activeProfile>build-repository</activeProfile></activeProfiles><servers>" + servers
                + "</servers></settings>";
    }

    /** {@code mvn} on {@code project} with the staged repository and the settings file {@code settings}, started. */
    public static Running mvn(Path project, Path settings, Map<String, String> environment, List<String> arguments)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("-B", "-ntp", "-Dmaven.repo.local=" + STAGED_REPOSITORY,
                "-s", settings.toString(), "-f", project.resolve("pom.xml").toString()));
        command.addAll(arguments);
        return start(project, environment, command);
    }

    /** {@code mvn} with just these arguments in {@code directory}, started. */
    public static Running start(Path directory, Map<String, String> environment, List<String> arguments)
            throws IOException {
        String home = System.getProperty("maven.home");
        List<String> command = new ArrayList<>();
        command.add(home == null ? "mvn" : Path.of(home, "bin", "mvn").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("REHEARSAL_"));
        builder.environment().put("MAVEN_OPTS", String.join(" ", RunnerProcesses.SHORT_RUN_JVM_OPTIONS));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new Running(process, CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }
}
