package dev.rehearsal.flyway;

import dev.rehearsal.Rehearsal;
import org.flywaydb.core.Flyway;

/** A separate JVM that rehearses {@code db/base + db/<location>} against a database, for process-level tests. */
public final class RehearsalProcess {
    private RehearsalProcess() {
    }

    /** Arguments: JDBC URL of the target, extra location under {@code db/}. */
    public static void main(String[] args) {
        Rehearsal.configure()
                .target(args[0], "postgres", null)
                .engine(FlywayEngine.of(Flyway.configure().locations("classpath:db/base", "classpath:db/" + args[1])))
                .load()
                .run();
    }
}
