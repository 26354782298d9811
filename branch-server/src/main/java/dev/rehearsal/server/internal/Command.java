package dev.rehearsal.server.internal;

import dev.rehearsal.api.BranchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to its end and gives its output; a failure says what was being done and shows the output's last
 * lines. Secrets are passed in the environment ({@code PGPASSFILE}), never in the arguments, which are shown.
 */
final class Command {
    private static final int SHOWN_LINES = 15;

    private Command() {
    }

    /** Runs {@code command} (in {@code directory} when not null) and returns its output (stdout and stderr). */
    static String run(List<String> command, Map<String, String> environment, Duration timeout, String what) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().remove("PGPASSWORD");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BranchException("Could not " + what + ": cannot run " + command.get(0) + " (" + e.getMessage()
                    + ")", e);
        }
        try {
            process.getOutputStream().close();
            // read while it runs: a full pipe would stop it
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    process.getInputStream().transferTo(output);
                } catch (IOException e) {
                    // the process was stopped
                }
            }, "rehearsal-command-output");
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new BranchException("Could not " + what + ": " + Path.of(command.get(0)).getFileName()
                        + " did not end within " + timeout.toSeconds() + " s");
            }
            reader.join(Duration.ofSeconds(5).toMillis());
            String text;
            synchronized (output) {
                text = output.toString(StandardCharsets.UTF_8);
            }
            if (process.exitValue() != 0) {
                throw new BranchException("Could not " + what + ": " + Path.of(command.get(0)).getFileName()
                        + " exited with " + process.exitValue() + (text.isBlank() ? "" : ":\n" + last(text)));
            }
            return text;
        } catch (IOException e) {
            process.destroyForcibly();
            throw new BranchException("Could not " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BranchException("Interrupted while trying to " + what, e);
        }
    }

    static String run(List<String> command, String what) {
        return run(command, Map.of(), Duration.ofMinutes(2), what);
    }

    /**
     * Stops the processes of {@code program} that a killed server left working on {@code directory} (it is among
     * their arguments): SIGTERM, then SIGKILL after 10 s. Returns how many there were.
     */
    static int stopLeftovers(String program, Path directory) {
        String target = directory.toString();
        List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + program)).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(target)).orElse(false))
                .toList();
        for (ProcessHandle leftover : leftovers) {
            leftover.destroy();
            try {
                leftover.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                leftover.destroyForcibly();
            }
        }
        return leftovers.size();
    }

    /** The last lines of {@code text}. */
    static String last(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - SHOWN_LINES), lines.size()));
    }
}
