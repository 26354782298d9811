package dev.rehearsal.flyway;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;

/**
 * Flyway logs its connection line ({@code Database: jdbc:postgresql://... (PostgreSQL 18.6)}) once per Flyway
 * instance, the first time that instance connects; a rehearsal makes one Flyway per step (planning on the target,
 * reading histories, migrating the branch, promoting), so one start printed it six times. An engine keeps the first
 * line — the target's, when it plans — and marks the Flyway instances after it as having printed theirs.
 *
 * <p>Flyway has no setting for this: the mark is its executor's own flag ({@code dbConnectionInfoPrinted}, the same
 * from Flyway 10 to 13), set by reflection. Where that cannot be done (another Flyway, a module system that forbids
 * it), the lines are printed as before: nothing else depends on it.
 */
final class ConnectionInfoLine {
    private final AtomicBoolean printed = new AtomicBoolean();

    /** {@code flyway}, which prints the connection line only if no Flyway of this engine did before. */
    Flyway once(Flyway flyway) {
        if (printed.compareAndSet(false, true)) {
            return flyway;
        }
        try {
            Field executorField = Flyway.class.getDeclaredField("flywayExecutor");
            executorField.setAccessible(true);
            Object executor = executorField.get(flyway);
            Field flag = executor.getClass().getDeclaredField("dbConnectionInfoPrinted");
            flag.setAccessible(true);
            flag.setBoolean(executor, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a Flyway of another shape prints its line, as it would without Rehearsal
        }
        return flyway;
    }
}
