package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The CLI's jar run as a child process, the way a CI step runs it: in a working directory, with its own environment
 * variables (none of the test's {@code REHEARSAL_PASSWORD} or {@code LIQUIBASE_*}, and no usage data sent to
 * Liquibase: its own switch), both outputs read as they come.
 */
final class CliProcess {
    static final Path JAR = Path.of(System.getProperty("rehearsal.cli.jar", "target/rehearsal.jar")).toAbsolutePath();

    record Result(int exit, String out, String err) {
    }

    private CliProcess() {
    }

    /** Runs the jar in {@code directory} (null: the test's) with these variables added, and waits for it. */
    static Result run(Path directory, Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().remove("REHEARSAL_PASSWORD");
        builder.environment().keySet().removeIf(name -> name.startsWith("LIQUIBASE_"));
        builder.environment().put("LIQUIBASE_ANALYTICS_ENABLED", "false");
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), out.get(), err.get());
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
