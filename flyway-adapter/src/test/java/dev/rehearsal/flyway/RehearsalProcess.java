package dev.rehearsal.flyway;

import dev.rehearsal.Outcome;
import dev.rehearsal.Rehearsal;
import org.flywaydb.core.Flyway;

/** A separate JVM that rehearses {@code db/base + db/<location>} against a database, for process-level tests. */
public final class RehearsalProcess {
    private RehearsalProcess() {
    }

    /**
     * Arguments: JDBC URL of the target, then extra locations under {@code db/}. Prints {@code VERDICT <verdict>} and
     * exits 0 when the run succeeded.
     */
    public static void main(String[] args) {
        String[] locations = new String[args.length];
        locations[0] = "classpath:db/base";
        for (int i = 1; i < args.length; i++) {
            locations[i] = "classpath:db/" + args[i];
        }
        Outcome outcome = Rehearsal.configure()
                .target(args[0], "postgres", null)
                .engine(FlywayEngine.of(Flyway.configure().locations(locations)))
                .load()
                .run();
        System.out.println("VERDICT " + outcome.verdict());
        System.exit(outcome.verdict().isSuccess() ? 0 : 1);
    }
}
