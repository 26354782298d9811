package dev.rehearsal.cli;

import dev.rehearsal.Outcome;
import dev.rehearsal.Rehearsal;
import dev.rehearsal.Verdict;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.report.ConsoleSummary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The demo, with nothing to set up: an embedded PostgreSQL with a shop database whose data has realistic flaws; a
 * safe change set is promoted, a risky one fails on the branch and the shop is left untouched.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the demo on an embedded PostgreSQL: one "
        + "change set promoted, one stopped by the real data.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting an embedded PostgreSQL and a shop database with flawed data...");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE shop");
            }
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/shop";
            Flyway.configure().dataSource(url, "postgres", null).locations("classpath:demo/base").load().migrate();

            Outcome safe = rehearsal(url, "classpath:demo/base", "classpath:demo/safe").run();
            out.println(ConsoleSummary.render(safe));
            Outcome risky = rehearsal(url, "classpath:demo/base", "classpath:demo/safe", "classpath:demo/risky")
                    .run();
            out.println(ConsoleSummary.render(risky));
            boolean asExpected = safe.verdict() == Verdict.PROMOTED && risky.verdict() == Verdict.FAILED_ON_BRANCH;
            out.println(asExpected ? "Demo done: the safe change set was PROMOTED; the risky one FAILED_ON_BRANCH "
                    + "and never touched the shop." : "Demo did not end as expected");
            return asExpected ? 0 : 1;
        }
    }

    private static Rehearsal rehearsal(String url, String... locations) {
        return Rehearsal.configure().target(url, "postgres", null)
                .engine(FlywayEngine.of(Flyway.configure().locations(locations))).load();
    }
}
