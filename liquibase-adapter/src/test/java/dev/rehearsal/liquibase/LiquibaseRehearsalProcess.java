package dev.rehearsal.liquibase;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;

/** A separate JVM that rehearses and promotes a class path changelog against a database, for process-level tests. */
public final class LiquibaseRehearsalProcess {
    private LiquibaseRehearsalProcess() {
    }

    /** Arguments: JDBC URL of the target, then the changelog. Exits 0 when the run succeeded. */
    public static void main(String[] args) {
        Outcome outcome = Rehearsal.configure().target(args[0], "postgres", null)
                .engine(LiquibaseEngine.of(args[1])).load().run();
        System.out.println("VERDICT " + outcome.verdict());
        System.exit(outcome.verdict().isSuccess() ? 0 : 1);
    }
}
