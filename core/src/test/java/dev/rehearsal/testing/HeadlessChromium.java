package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} in headless mode, for tests that open a report as a reader would: the page's DOM after its
 * scripts ran, what it wrote to the console (errors and refused requests included), and screenshots. The network is
 * cut off (every host name resolves to nothing), so a page that needs it shows it in the console.
 *
 * <p>Chromium is a test requirement ({@code .ci/run} installs it): without it these tests fail and say how to install
 * it, rather than pass without having looked.
 */
public final class HeadlessChromium {
    /** Chromium's log line for a console message: {@code ...:INFO:CONSOLE:12] "message", source: file:///... (12)}. */
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE(?:\\(\\d+\\)|:\\d+)?\\] \"(.*)\", source: (.*)$");
    private static final long TIMEOUT_SECONDS = 120;

    /**
     * The page as the browser left it.
     *
     * @param dom     the serialized DOM once the page's scripts and timers ran
     * @param console every console message and page error, one per entry, with its source
     */
    public record Page(String dom, List<String> console) {
        /** How many times the DOM matches {@code tagPattern}, e.g. {@code <rect class="bar }. */
        public long count(String tagPattern) {
            return Pattern.compile(tagPattern).matcher(dom).results().count();
        }
    }

    private HeadlessChromium() {
    }

    /** Opens {@code page} and lets its scripts and timers run for up to {@code budgetMillis} of virtual time. */
    public static Page open(Path page, int budgetMillis) {
        Path profile = profile();
        try {
            Result result = run(profile, "--virtual-time-budget=" + budgetMillis, "--dump-dom",
                    page.toUri().toString());
            List<String> console = new ArrayList<>();
            for (String line : result.stderr().split("\\R")) {
                Matcher matcher = CONSOLE.matcher(line);
                if (matcher.find()) {
                    console.add(matcher.group(1) + " (" + matcher.group(2) + ")");
                }
            }
            return new Page(result.stdout(), List.copyOf(console));
        } finally {
            delete(profile);
        }
    }

    /** A PNG of {@code page} in a window {@code width} by {@code height} CSS pixels. */
    public static Path screenshot(Path page, Path png, int width, int height) {
        Path profile = profile();
        try {
            Files.deleteIfExists(png);
            run(profile, "--hide-scrollbars", "--window-size=" + width + "," + height,
                    "--screenshot=" + png.toAbsolutePath(), page.toUri().toString());
            assertThat(png).as("the screenshot Chromium was asked for").exists();
            assertThat(Files.size(png)).as("the screenshot's size").isGreaterThan(1000);
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(profile);
        }
    }

    private record Result(String stdout, String stderr) {
    }

    private static Result run(Path profile, String... arguments) {
        List<String> command = new ArrayList<>(List.of(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = read(process.getInputStream());
            CompletableFuture<String> stderr = read(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
            }
            Result result = new Result(stdout.join(), stderr.join());
            if (process.exitValue() != 0) {
                throw new AssertionError("Chromium exited with " + process.exitValue() + ": " + result.stderr());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while Chromium ran", e);
        }
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** {@code chromium} on the PATH, or the file the {@code rehearsal.test.chromium} system property names. */
    private static String executable() {
        String configured = System.getProperty("rehearsal.test.chromium");
        if (configured != null) {
            return configured;
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("These tests open the reports in headless Chromium, which is not installed: "
                + "apt-get install chromium (Debian's package; .ci/run installs it), or name the browser with "
                + "-Drehearsal.test.chromium=/path/to/chromium");
    }

    private static Path profile() {
        try {
            return Files.createTempDirectory("rehearsal-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a profile left in the temporary directory is harmless
        }
    }
}
