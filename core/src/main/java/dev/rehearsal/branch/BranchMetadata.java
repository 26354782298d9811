package dev.rehearsal.branch;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What every branch records about itself, so that leftovers can be found, attributed and reaped.
 *
 * <p>A branch made for a run also records the run's {@link RunnerIdentity} and a heartbeat, {@code lastSeen}: the
 * run refreshes it every {@link #HEARTBEAT_INTERVAL} while it lives, in the server's clock (runners' clocks may
 * disagree). Reaping never drops a branch whose heartbeat is younger than {@link #HEARTBEAT_TIMEOUT}, whatever its
 * expiry says. Branches recorded before heartbeats existed have neither field.
 *
 * @param parent   the database it was copied from
 * @param created  when it was created
 * @param expires  after when it may be reaped
 * @param owner    who created it ({@code user@host})
 * @param purpose  why it exists, e.g. {@code "rehearsal"} for a runner's branch
 * @param kept     true when it was kept on purpose (for debugging) until {@code expires}
 * @param runner   the run that made it and uses it, or null (a branch not made for a run, or made before runs were
 *                 recorded)
 * @param lastSeen when its run last showed it was alive, by the branch server's clock; null without a runner
 */
public record BranchMetadata(String parent, Instant created, Instant expires, String owner, String purpose,
                             boolean kept, RunnerIdentity runner, Instant lastSeen) {
    /** How often a run refreshes the heartbeat of its branch. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(3);
    /**
     * How long after its last heartbeat a branch's run counts as gone: three intervals and a margin, so that one or
     * two beats lost to a slow connection do not make a live run's branch an orphan.
     */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

    public BranchMetadata {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }

    /** Metadata without a runner. */
    public BranchMetadata(String parent, Instant created, Instant expires, String owner, String purpose,
                          boolean kept) {
        this(parent, created, expires, owner, purpose, kept, null, null);
    }

    /** Metadata of a branch not (yet) kept, without a runner. */
    public BranchMetadata(String parent, Instant created, Instant expires, String owner, String purpose) {
        this(parent, created, expires, owner, purpose, false);
    }

    /** The same branch, kept on purpose until {@code newExpiry}. */
    public BranchMetadata keptUntil(Instant newExpiry) {
        return new BranchMetadata(parent, created, newExpiry, owner, purpose, true, runner, lastSeen);
    }

    /** The same branch, its run seen alive at {@code serverTime}. */
    public BranchMetadata seenAt(Instant serverTime) {
        return new BranchMetadata(parent, created, expires, owner, purpose, kept, runner, serverTime);
    }

    /** True when it may be reaped at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }

    /**
     * True when its run showed it was alive less than {@link #HEARTBEAT_TIMEOUT} before {@code serverNow} (the
     * branch server's clock); false for a branch without a heartbeat.
     */
    public boolean heartbeatFreshAt(Instant serverNow) {
        return lastSeen != null && lastSeen.plus(HEARTBEAT_TIMEOUT).isAfter(serverNow);
    }

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
}
