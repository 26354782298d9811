package dev.rehearsal.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes a benchmark's section of BENCHMARKS.md, with the machine and the date, leaving other sections alone. */
public final class Report {
    private Report() {
    }

    static String section(List<TracingOverhead.Result> results, TracingOverhead.Result full, String postgres) {
        StringBuilder md = new StringBuilder();
        md.append("## Tracing overhead\n\n");
        md.append("Measured ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE))
                .append(" on ").append(machine()).append(", PostgreSQL ").append(postgres)
                .append(" (embedded, default settings), Java ").append(System.getProperty("java.version"))
                .append(".\n\n");
        md.append("The same Flyway migrations applied to fresh branches of the same seeded database, traced with "
                + "full evidence (statements, locks with hold times, rows scanned, rewrites) and guarded (each statement "
                + "looked at, and parsed by PostgreSQL's parser where its code names what could reach beyond the "
                + "branch) as a rehearsal does, and untraced, "
                + "interleaved A-B-B-A in one run. Target: traced ≤ 1.15 × untraced.\n\n");
        md.append("| workload | traced | untraced | ratio |\n|---|---|---|---|\n");
        for (TracingOverhead.Result result : results) {
            md.append("| ").append(result.workload()).append(" | ").append(result.traced().format()).append(" | ")
                    .append(result.untraced().format()).append(" | ")
                    .append(String.format(Locale.ROOT, "**%.2f×**", result.ratio())).append(" |\n");
        }
        md.append("\nThe worst case is mostly the tracer's fixed cost per rehearsal — reading the existing relations "
                + "once and two short queries when each session opens — on a migration that takes a tenth of a second; "
                + "an `INSERT ... VALUES` into a table its transaction already locked skips the per-statement probe.\n");
        md.append("\nFor scale, a whole `rehearse()` of the typical release (branch, catalog and data facts before "
                + "and after, checks, drop): ").append(full.traced().format()).append(".\n\n");
        md.append("Run it: `mvn -B -ntp -q -Pbenchmarks -DskipTests verify`.\n");
        return md.toString();
    }

    /** Replaces the text between {@code <!-- name:start -->} and {@code <!-- name:end -->}, or appends it. */
    public static void replaceSection(Path file, String name, String section) throws IOException {
        String start = "<!-- " + name + ":start -->";
        String end = "<!-- " + name + ":end -->";
        String block = start + "\n" + section + end + "\n";
        String text = Files.exists(file) ? Files.readString(file)
                : "# Benchmarks\n\nEach section is written by a benchmark of the `benchmarks` module; "
                + "`mvn -B -ntp -q -Pbenchmarks -DskipTests verify` runs them all.\n\n";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from >= 0 && to > from) {
            text = text.substring(0, from) + block + text.substring(to + end.length()).replaceFirst("^\\n", "");
        } else {
            text = text + (text.endsWith("\n\n") ? "" : "\n") + block;
        }
        Files.writeString(file, text);
    }

    /**
     * Whether to run the benchmark {@code name}: {@code -Dbenchmark} names the ones to run, separated by commas
     * (the sections' names, e.g. {@code acquire-latency}); all of them when it is unset.
     */
    public static boolean selected(String name) {
        String chosen = System.getProperty("benchmark", "").strip();
        return chosen.isEmpty() || chosen.equals("all") || List.of(chosen.split("\\s*,\\s*")).contains(name);
    }

    /** The load averages over 1, 5 and 15 minutes, as {@code uptime} shows them; "unknown" off Linux. */
    public static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s %s", Runtime.getRuntime()
                        .availableProcessors(), cpu, memory / 1024.0 / 1024 / 1024, System.getProperty("os.name"),
                System.getProperty("os.version"));
    }
}
