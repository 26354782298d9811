package dev.rehearsal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The real jar, started as a process the way a CI step starts it. */
final class CliProcess {
    private static final Path JAR = Path.of(System.getProperty("rehearsal.cli.jar", "target/rehearsal.jar"))
            .toAbsolutePath();

    private CliProcess() {
    }

    /**
     * The jar, started in {@code directory} (null: this process's) with these JVM options, these variables added to
     * this process's environment (less {@code REHEARSAL_PASSWORD}) and these arguments.
     */
    static Process start(Path directory, List<String> jvmOptions, Map<String, String> environment,
            String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        builder.environment().remove("REHEARSAL_PASSWORD");
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The stream read to its end as it goes, so that a full pipe never stops the process. */
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
