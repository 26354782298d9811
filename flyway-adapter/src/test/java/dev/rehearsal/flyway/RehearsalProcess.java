package dev.rehearsal.flyway;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.check.SqlAssertions;
import dev.rehearsal.outcome.Outcome;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** A separate JVM that rehearses {@code db/base + db/<location>} against a database, for process-level tests. */
public final class RehearsalProcess {
    /** Returns no row, after two minutes. */
    static final String SLOW_CHECK = "SELECT 1 WHERE pg_sleep(120)::text = 'never'";

    private RehearsalProcess() {
    }

    /**
     * Arguments: JDBC URL of the target, then extra locations under {@code db/}. Prints {@code VERDICT <verdict>} and
     * exits 0 when the run succeeded. With {@code -Drehearsal.test.slowCheck=true}, a SQL assertion sleeps 120 s on
     * the branch.
     */
    public static void main(String[] args) {
        String[] locations = new String[args.length];
        locations[0] = "classpath:db/base";
        for (int i = 1; i < args.length; i++) {
            locations[i] = "classpath:db/" + args[i];
        }
        Rehearsal.Builder rehearsal = Rehearsal.configure()
                .target(args[0], "postgres", null)
                .engine(FlywayEngine.of(Flyway.configure().locations(locations)));
        if (Boolean.getBoolean("rehearsal.test.slowCheck")) {
            rehearsal.check(SqlAssertions.of(Map.of("slow", SLOW_CHECK)));
        }
        Outcome outcome = rehearsal.load().run();
        System.out.println("VERDICT " + outcome.verdict());
        System.exit(outcome.verdict().isSuccess() ? 0 : 1);
    }
}
