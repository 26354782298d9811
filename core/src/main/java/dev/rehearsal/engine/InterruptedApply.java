package dev.rehearsal.engine;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What the next run knows of a promotion that a killed runner did not finish: Rehearsal recorded it on the target
 * right before the runner's engine started to apply there.
 *
 * @param started    when the killed runner started to apply, by the database server's clock
 * @param lockHolder what {@link MigrationEngine#lockHolder()} returned in the killed runner
 * @param zone       the killed runner's default time zone, which its sessions used for {@code timestamp} values
 * @param runner     the killed runner, for messages (process id and host)
 */
public record InterruptedApply(Instant started, String lockHolder, ZoneId zone, String runner) {
    public InterruptedApply {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(zone, "zone");
    }
}
