package dev.rehearsal.server.internal;

import dev.rehearsal.api.BranchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One PostgreSQL cluster of the branch server (the standby, a branch, the logical mirror's server), driven with
 * {@code pg_ctl}: its settings are written to {@code postgresql.auto.conf} (which wins over
 * {@code postgresql.conf}, whatever the source's says), its log goes beside the data directory
 * ({@code <directory>.log}), it listens on TCP only (no Unix socket to collide over).
 */
final class Postmaster {
    /**
     * Whether this process runs as root (uid 0, by the owner of a file it makes) where a user namespace can be had:
     * PostgreSQL's programs then run in one, where they are not root (without one, they refuse and say so).
     */
    static final boolean ROOT = runsAsRoot() && unshareWorks();

    private final ServerBinaries binaries;
    private final Path directory;

    Postmaster(ServerBinaries binaries, Path directory) {
        this.binaries = binaries;
        this.directory = directory;
    }

    /**
     * {@code program} of these binaries with {@code arguments}; as root, in a user namespace of its own
     * ({@code unshare -U}, where it is nobody), since PostgreSQL refuses to run as root.
     */
    List<String> command(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (ROOT) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(binaries.program(program).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    Path directory() {
        return directory;
    }

    Path log() {
        return directory.resolveSibling(directory.getFileName() + ".log");
    }

    /** A new cluster whose superuser {@code superuser} has the password in {@code passwordFile}. */
    void initdb(String superuser, Path passwordFile) {
        Command.run(command("initdb", "-D", directory.toString(), "-U", superuser,
                "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"),
                Map.of(), Duration.ofMinutes(5), "make a PostgreSQL cluster in " + directory);
    }

    /** Replaces {@code postgresql.auto.conf} with {@code settings} (values quoted here). */
    void configure(Map<String, String> settings) {
        String text = settings.entrySet().stream()
                .map(e -> e.getKey() + " = '" + e.getValue().replace("'", "''") + "'")
                .collect(Collectors.joining("\n", "# written by the Rehearsal branch server\n", "\n"));
        write(directory.resolve("postgresql.auto.conf"), text);
    }

    /** Replaces {@code pg_hba.conf}. */
    void hba(List<String> lines) {
        write(directory.resolve("pg_hba.conf"), String.join("\n", lines) + "\n");
    }

    /** Starts the cluster and waits until it accepts connections (or has started recovery, for a standby). */
    void start(Duration timeout) {
        try {
            Files.deleteIfExists(directory.resolve("postmaster.pid"));
        } catch (IOException e) {
            throw new BranchException("Could not remove the stale postmaster.pid of " + directory, e);
        }
        try {
            Command.run(command("pg_ctl", "start", "-w", "-t",
                    Long.toString(Math.max(1, timeout.toSeconds())), "-D", directory.toString(), "-l",
                    log().toString()), Map.of(), timeout.plusSeconds(30), "start PostgreSQL in " + directory);
        } catch (BranchException e) {
            throw new BranchException(e.getMessage() + "\nIts log (" + log() + "):\n" + logTail(), e);
        }
    }

    /** Stops the cluster: {@code fast} (a clean shutdown, sessions ended) or {@code immediate}. Not running: done. */
    void stop(String mode) {
        if (pid().isEmpty()) {
            return;
        }
        Command.run(command("pg_ctl", "stop", "-w", "-t", "120", "-m", mode, "-D",
                directory.toString()), Map.of(), Duration.ofMinutes(3), "stop PostgreSQL in " + directory);
    }

    /** Promotes a standby (or a clone in recovery) and waits until it accepts writes. */
    void promote() {
        Command.run(command("pg_ctl", "promote", "-w", "-t", "120", "-D",
                directory.toString()), Map.of(), Duration.ofMinutes(3), "promote PostgreSQL in " + directory);
    }

    /** The postmaster's process id, when one is alive for this directory. */
    Optional<Long> pid() {
        return pidOf(directory);
    }

    /** The live postmaster of {@code directory}, by its {@code postmaster.pid}. */
    static Optional<Long> pidOf(Path directory) {
        Path file = directory.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(true))
                    .map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops whatever postmaster still runs on {@code directory}, without asking anyone: kill -9 leftovers. */
    static void killLeftover(Path directory) {
        pidOf(directory).flatMap(ProcessHandle::of).ifPresent(process -> {
            // SIGQUIT would be immediate shutdown; destroy() is SIGTERM (smart... fast for postmaster): enough
            process.destroy();
            try {
                process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        });
    }

    /** Whether {@code unshare -U} works here (user namespaces may be disabled, or unshare missing). */
    private static boolean unshareWorks() {
        try {
            Command.run(List.of("unshare", "-U", "true"), "try a user namespace");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean runsAsRoot() {
        try {
            Path probe = Files.createTempFile("rehearsal-uid", ".probe");
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(probe, "unix:uid"));
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    String logTail() {
        try {
            return Files.isRegularFile(log()) ? Command.last(Files.readString(log(), StandardCharsets.UTF_8)) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BranchException("Could not write " + file, e);
        }
    }

    /** Settings every cluster of the server gets: TCP on {@code listen} and {@code port}, no Unix socket. */
    static List<String> hbaLines(boolean replication) {
        List<String> lines = new ArrayList<>();
        lines.add("# written by the Rehearsal branch server: a password for everyone, over TCP only");
        lines.add("# (md5 asks for SCRAM where the password is stored so)");
        lines.add("host all all 0.0.0.0/0 md5");
        lines.add("host all all ::/0 md5");
        if (replication) {
            lines.add("host replication all 0.0.0.0/0 md5");
        }
        return lines;
    }
}
