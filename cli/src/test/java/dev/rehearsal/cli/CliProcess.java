package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.testing.RunnerProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The built jar run as a child process, the way a CI step runs it, with an environment of the test's choosing:
 * none of the variables that say how to log in, and no {@code LIQUIBASE_*}, is inherited from the build's, and no
 * usage data is sent to Liquibase (its own switch).
 */
final class CliProcess {
    /** The jar the build made. */
    static final Path JAR = Path.of(System.getProperty("rehearsal.cli.jar", "target/rehearsal.jar"))
            .toAbsolutePath();
    private static final List<String> LOGIN_VARIABLES = List.of(Main.TargetOptions.PASSWORD_VARIABLE,
            Credentials.PGPASSWORD, Credentials.PGUSER, Credentials.PGPASSFILE);

    private CliProcess() {
    }

    /** What the command did: its exit code and both outputs. */
    record Result(int exit, String out, String err) {
        /** Standard output read as JSON. */
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    static Result run(Map<String, String> environment, String... arguments) throws Exception {
        return run(List.of(), environment, arguments);
    }

    static Result run(List<String> jvmOptions, Map<String, String> environment, String... arguments)
            throws Exception {
        return start(jvmOptions, environment, arguments).result();
    }

    /** Runs the jar in {@code directory} (null: the test's) with these variables added, and waits for it. */
    static Result run(Path directory, Map<String, String> environment, String... arguments) throws Exception {
        return start(directory, List.of(), environment, arguments).result();
    }

    /** The command, started; both its outputs read as they come, so that neither fills its pipe and stops it. */
    static Running start(List<String> jvmOptions, Map<String, String> environment, String... arguments)
            throws IOException {
        return start(null, jvmOptions, environment, arguments);
    }

    static Running start(Path directory, List<String> jvmOptions, Map<String, String> environment,
                         String... arguments) throws IOException {
        return start(JAR, directory, jvmOptions, environment, arguments);
    }

    /** Runs another jar, such as a copy of the built one, and waits for it. */
    static Result runJar(Path jar, List<String> jvmOptions, String... arguments) throws Exception {
        return start(jar, null, jvmOptions, Map.of(), arguments).result();
    }

    private static Running start(Path jar, Path directory, List<String> jvmOptions, Map<String, String> environment,
                                 String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(RunnerProcesses.SHORT_RUN_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().keySet().removeAll(LOGIN_VARIABLES);
        builder.environment().keySet().removeIf(name -> name.startsWith("LIQUIBASE_"));
        builder.environment().put("LIQUIBASE_ANALYTICS_ENABLED", "false");
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new Running(process, read(process.getInputStream()), read(process.getErrorStream()));
    }

    /** A command still running. */
    record Running(Process process, CompletableFuture<String> out, CompletableFuture<String> err) {
        /** Waits for its end. */
        Result result() throws Exception {
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the command ended").isTrue();
            return new Result(process.exitValue(), out.get(), err.get());
        }
    }

    /** Everything the stream gives until it ends, read on another thread so that a full pipe never stops the child. */
    static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
