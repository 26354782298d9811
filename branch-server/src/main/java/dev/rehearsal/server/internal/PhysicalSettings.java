package dev.rehearsal.server.internal;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a {@link PhysicalStore} needs, checked at once.
 *
 * <pre>{@code
 * Path data = Path.of("/srv/rehearsal");          // on XFS or Btrfs: branches are reflink clones
 * new PhysicalSettings(source, data, ServerBinaries.installed(Path.of("/usr/lib/postgresql/16/bin"), "--binaries"),
 *         null, "127.0.0.1", true, PhysicalSettings.slotNameFor(data));
 * }</pre>
 *
 * @param source         the live source: its JDBC URL, a role and its password, which the standby's and the
 *                       branches' {@code pg_hba.conf} ask for. The role is a superuser, or has {@code REPLICATION},
 *                       {@code pg_monitor} and {@code EXECUTE} on {@code pg_wal_replay_pause()} and
 *                       {@code pg_wal_replay_resume()} granted in the database of the URL (the standby has its
 *                       catalog); with {@code pg_checkpoint} (PostgreSQL 15+) too, a branch replays less WAL
 * @param dataDirectory  where the standby and the branches live; on XFS (reflink) or Btrfs a branch costs no copy
 * @param binaries       the server programs of the source's major version
 * @param pgBasebackup   the {@code pg_basebackup} to run, of the source's major or newer; null: the one on the PATH
 * @param host           the address branches listen on and clients reach them at, e.g. {@code 127.0.0.1}
 * @param fastCheckpoint whether the base backup asks the source for an immediate checkpoint ({@code -c fast}: a burst
 *                       of writes on the source) rather than waiting for a spread one ({@code -c spread})
 * @param slotName       the physical replication slot the standby holds on the source
 */
public record PhysicalSettings(DatabaseLocation source, Path dataDirectory, ServerBinaries binaries,
                               Path pgBasebackup, String host, boolean fastCheckpoint, String slotName) {
    private static final String SLOT_PREFIX = "rehearsal_branch_server_";

    public PhysicalSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(binaries, "binaries");
        if (!source.hasPassword()) {
            throw new ConfigurationException("The source " + source.redactedUrl() + " was given without a password: "
                    + "the standby and the branches ask for the source's passwords (they are copies of it, reached "
                    + "over TCP), so the branch server needs the password of " + source.user() + " too");
        }
        if (host == null || host.isBlank()) {
            throw new ConfigurationException("The host branches listen on is missing: give an address of this "
                    + "machine, e.g. 127.0.0.1");
        }
        if (slotName == null || !slotName.matches("[a-z0-9_]{1,63}")) {
            throw new ConfigurationException("'" + slotName + "' is no replication slot name: use 1 to 63 lower-case "
                    + "letters, digits and underscores, e.g. " + SLOT_PREFIX + "main");
        }
        dataDirectory = dataDirectory.toAbsolutePath().normalize();
        pgBasebackup = pgBasebackup == null ? Path.of("pg_basebackup") : pgBasebackup;
    }

    /** A slot name that stays the same for a data directory: {@code rehearsal_branch_server_} and a hash of it. */
    public static String slotNameFor(Path dataDirectory) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(
                    dataDirectory.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return SLOT_PREFIX + HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }
}
