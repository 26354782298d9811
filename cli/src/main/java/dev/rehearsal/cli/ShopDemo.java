package dev.rehearsal.cli;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The shop demo: a "production" shop database with years of imperfect data, one change set that is safe and one
 * that only looks safe.
 *
 * <ol>
 *   <li>Starts an embedded PostgreSQL 18 and brings database {@code shop} to V2 with plain Flyway
 *       ({@code db/shop/base}: the schema and 20 000 customers, 30 000 orders).</li>
 *   <li>Rehearses the safe change set ({@code db/shop/safe}: V3 a nullable column with a constant default, V4
 *       {@code CREATE INDEX CONCURRENTLY}): it passes on the branch and is promoted to the target.</li>
 *   <li>Rehearses the risky change set ({@code db/shop/risky}: V5 a unique index on {@code lower(email)}, V6 a cast
 *       of text codes to integer): V5 fails on the branch because 40 real customers share an email in another case.
 *       The branch is dropped; the target is exactly as the safe change set left it.</li>
 * </ol>
 *
 * <p>{@code java -jar rehearsal.jar demo} runs it ({@link DemoCommand}), and so does, from a clone of the repository,
 * {@code mvn -B -ntp -q -Pdemo -DskipTests verify} (this module's {@code demo} profile). It lives in the CLI, which
 * ships it, with its migrations ({@code db/shop}), so that nothing depends on the examples; the Spring Boot example
 * runs the same migrations from here.
 *
 * <p>The rehearsal itself is the few lines of {@code rehearse(...)}: the application's own Flyway configuration, handed
 * to Rehearsal together with the target.
 */
final class ShopDemo {
    /** The demo's "production" database. */
    static final String DATABASE = "shop";
    /** The unique index of the risky change set's V5, which must never reach the target. */
    static final String RISKY_INDEX = "customers_email_lower_key";

    static final String BASE = "db/shop/base";
    static final String SAFE = "db/shop/safe";
    static final String RISKY = "db/shop/risky";

    private ShopDemo() {
    }

    /** Starts an embedded PostgreSQL (18 unless the build chose another) on a free port; ~4 s. */
    static EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                // throwaway demo data: durability costs time and buys nothing here
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    /**
     * The demo on a running server: creates database {@value #DATABASE}, brings it to V2, rehearses the safe and
     * then the risky change set, and reports to {@code out} what happened.
     *
     * @param postgres        the server; the demo connects as {@code postgres}, without password
     * @param reportDirectory where the reports of both rehearsals are written: {@code safe.json}, {@code safe.html},
     *                        {@code safe.md}, {@code risky.json}, ...
     * @param out             where the demo tells its story
     * @return both outcomes and what the target looked like around the risky rehearsal
     */
    static Result run(EmbeddedPostgres postgres, Path reportDirectory, PrintStream out) {
        long start = System.nanoTime();
        ShopDatabase server = new ShopDatabase(DatabaseLocation.of("jdbc:postgresql://localhost:"
                + postgres.getPort() + "/postgres", "postgres", null));
        server.execute("CREATE DATABASE " + DATABASE);
        ShopDatabase shop = server.database(DATABASE);
        String url = shop.location().redactedUrl();

        // Production as it is today: migrated by plain Flyway, as the application has always done it.
        flyway(url, BASE).load().migrate();
        out.println();
        out.println("Rehearsal shop demo on PostgreSQL " + server.value("SHOW server_version") + " (embedded, port "
                + postgres.getPort() + ")");
        out.println(describeProduction(shop));

        out.println();
        out.println("1) The safe change set, " + SAFE + ": V3 add customers.loyalty_points, "
                + "V4 CREATE INDEX CONCURRENTLY on orders(customer_id)");
        Outcome safe = rehearse(url, reportDirectory, "safe", BASE, SAFE);
        out.println(Reports.summary(safe));
        out.println(verdictLine("safe change set", safe, Verdict.PROMOTED));

        TargetState before = TargetState.of(shop);
        out.println();
        out.println("2) The risky change set, " + RISKY + ": V5 unique index on lower(email), "
                + "V6 legacy_code text -> integer");
        Outcome risky = rehearse(url, reportDirectory, "risky", BASE, SAFE, RISKY);
        out.println(Reports.summary(risky));
        out.println(verdictLine("risky change set", risky, Verdict.FAILED_ON_BRANCH));

        TargetState after = TargetState.of(shop);
        List<String> branches = server.query("SELECT datname FROM pg_database WHERE starts_with(datname, ?) "
                + "ORDER BY 1", TemplateBranchProvider.DEFAULT_PREFIX);
        List<String> databases = server.query("SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1");
        Result result = new Result(safe, risky, before, after, branches);

        out.println();
        out.println("The target '" + DATABASE + "' after the risky rehearsal:");
        String unchanged = before.fingerprint().equals(after.fingerprint()) ? "unchanged" : "CHANGED";
        printFact(out, "index " + RISKY_INDEX, after.indexes().contains(RISKY_INDEX) ? "PRESENT" : "absent");
        printFact(out, "customers.legacy_code", after.typeOf("customers.legacy_code"));
        printFact(out, "Flyway history", "V" + String.join(", V", after.versions())
                + (after.historySucceeded() ? " (all successful)" : " (with FAILED entries)"));
        printFact(out, "schema+history+data md5", before.fingerprint() + " before, " + after.fingerprint()
                + " after: " + unchanged);
        printFact(out, "branches left on the server", (branches.isEmpty() ? "none" : String.join(", ", branches))
                + " (databases: " + String.join(", ", databases) + ")");
        printFact(out, "reports (open the .html in a browser)", reportDirectory.resolve("risky.html") + " (and .json, "
                + ".md; safe.*)");
        out.println();
        List<String> problems = result.problems();
        if (problems.isEmpty()) {
            out.printf(Locale.ROOT, "DEMO OK: the safe change set was promoted, the risky one stopped on the "
                    + "branch and the target was left alone (%.1f s)%n", (System.nanoTime() - start) / 1e9);
        } else {
            out.println("DEMO FAILED: " + String.join("; ", problems));
        }
        return result;
    }

    /**
     * The rehearsal, as an application would write it: its own Flyway configuration, the target, the reports
     * ({@code name.json}, {@code name.html}, {@code name.md} in {@code reports}).
     */
    static Outcome rehearse(String url, Path reports, String name, String... locations) {
        return Rehearsal.configure()
                .target(url, "postgres", null)
                .engine(FlywayEngine.of(flyway(url, locations)))
                .reportTo(reports.resolve(name + ".json"))
                .htmlReportTo(reports.resolve(name + ".html"))
                .markdownReportTo(reports.resolve(name + ".md"))
                .load()
                .run();
    }

    /** The application's Flyway configuration for the shop. */
    static FluentConfiguration flyway(String url, String... locations) {
        return Flyway.configure()
                .dataSource(url, "postgres", null)
                .locations(Arrays.stream(locations).map(location -> "classpath:" + location).toArray(String[]::new));
    }

    private static String describeProduction(ShopDatabase shop) {
        String[] customers = shop.value("SELECT count(*), count(*) - count(DISTINCT lower(email)), "
                + "count(*) FILTER (WHERE phone IS NULL), count(*) FILTER (WHERE legacy_code !~ '^[0-9]+$') "
                + "FROM customers").split("\\|");
        String[] orders = shop.value("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_lines)")
                .split("\\|");
        return "Production: database '" + DATABASE + "' at V2 by plain Flyway (" + BASE + "): " + customers[0]
                + " customers (" + customers[1] + " emails duplicated in another case, " + customers[2]
                + " without phone, " + customers[3] + " ERP codes that are not numbers), " + orders[0] + " orders, "
                + orders[1] + " order lines";
    }

    private static void printFact(PrintStream out, String subject, String fact) {
        out.printf(Locale.ROOT, "  %-33s %s%n", subject + ":", fact);
    }

    private static String verdictLine(String changeSet, Outcome outcome, Verdict expected) {
        StringBuilder line = new StringBuilder(">>> VERDICT ").append(changeSet).append(": ")
                .append(outcome.verdict())
                .append(outcome.verdict() == expected ? " (as expected)" : " (UNEXPECTED: expected " + expected + ")");
        List<String> applied = outcome.migrations().stream()
                .filter(m -> m.target() == MigrationStatus.State.APPLIED).map(m -> "V" + m.id()).toList();
        MigrationFailure failure = outcome.failure();
        if (failure != null) {
            line.append(" - V").append(failure.migration()).append(" failed on the ").append(failure.database())
                    .append(" with SQLSTATE ").append(failure.sqlState());
        }
        line.append(applied.isEmpty() ? " - nothing applied to the target"
                : " - " + String.join(", ", applied) + " applied to the target");
        return line.toString();
    }

    /**
     * What the demo did and saw.
     *
     * @param safe         the outcome of the safe change set
     * @param risky        the outcome of the risky change set
     * @param beforeRisky  the target just before the risky rehearsal
     * @param afterRisky   the target just after it
     * @param branchesLeft databases with the branch prefix left on the server afterwards
     */
    record Result(Outcome safe, Outcome risky, TargetState beforeRisky, TargetState afterRisky,
                         List<String> branchesLeft) {
        Result {
            branchesLeft = List.copyOf(branchesLeft);
        }

        /** What did not go as the demo says it should; empty when all did. */
        List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (safe.verdict() != Verdict.PROMOTED) {
                problems.add("the safe change set ended " + safe.verdict() + ", expected PROMOTED");
            }
            if (risky.verdict() != Verdict.FAILED_ON_BRANCH) {
                problems.add("the risky change set ended " + risky.verdict() + ", expected FAILED_ON_BRANCH");
            } else if (!"5".equals(risky.failure().migration()) || !"23505".equals(risky.failure().sqlState())) {
                problems.add("the risky change set failed in migration " + risky.failure().migration() + " with "
                        + "SQLSTATE " + risky.failure().sqlState() + ", expected V5 with 23505 (unique violation)");
            }
            if (!afterRisky.versions().equals(List.of("1", "2", "3", "4")) || !afterRisky.historySucceeded()) {
                problems.add("Flyway's history on the target is " + afterRisky.history() + ", expected V1 to V4");
            }
            if (afterRisky.indexes().contains(RISKY_INDEX)) {
                problems.add("index " + RISKY_INDEX + " reached the target");
            }
            if (!beforeRisky.fingerprint().equals(afterRisky.fingerprint())) {
                problems.add("the risky rehearsal changed the target");
            }
            if (!branchesLeft.isEmpty()) {
                problems.add("branches were left behind: " + branchesLeft);
            }
            return List.copyOf(problems);
        }
    }
}
