package dev.rehearsal.branch;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Which run made a branch: recorded in the branch's {@link BranchMetadata}, with the run's heartbeat, so that a
 * branch can be traced to the process that uses it and is never taken for an orphan while that process lives.
 *
 * @param id   random, unique to the run (a host and pid are reused: containers are often pid 1)
 * @param host the host name the run's JVM reported
 * @param pid  the run's process id on that host
 */
public record RunnerIdentity(String id, String host, long pid) {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public RunnerIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
    }

    /** A new identity for a run of this process: a fresh random id, this host and this process id. */
    public static RunnerIdentity newRun() {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new RunnerIdentity(id.toString(), Owner.host(), ProcessHandle.current().pid());
    }

    /** For messages: {@code run k3f9qa01bc on build-7 (pid 4711)}. */
    @Override
    public String toString() {
        return "run " + id + " on " + host + " (pid " + pid + ")";
    }
}
