package dev.rehearsal.benchmarks;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.flyway.FlywayEngine;
import dev.rehearsal.internal.pipeline.TracedApply;
import dev.rehearsal.outcome.Outcome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.Flyway;

/**
 * Traced versus untraced: the same migrations applied to fresh branches of the same seeded database, with the
 * tracer collecting its full evidence (locks, scans, rewrites) and without any tracing, interleaved A-B-B-A so that
 * the shared machine's noise falls on both sides alike. Writes its section of BENCHMARKS.md.
 *
 * <p>Two workloads: a typical release (DDL, an index, a validated constraint, a backfill, a type change on 200 000
 * customers and 400 000 orders) and the tracer's worst case, 500 one-row statements.
 */
public final class TracingOverhead {
    private static final int WARMUP = 2;
    private static final int ROUNDS = 12;
    private static final String DATABASE = "bench";

    private final EmbeddedPostgres postgres;
    private final TemplateBranchProvider provider = TemplateBranchProvider.builder().prefix("bench_").build();

    private TracingOverhead(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static void main(String[] args) throws Exception {
        if (!Report.selected("tracing-overhead")) {
            return;
        }
        Path report = Path.of(args.length > 0 ? args[0] : "BENCHMARKS.md");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            TracingOverhead benchmark = new TracingOverhead(postgres);
            benchmark.seed();
            List<Result> results = List.of(benchmark.measure("typical release (7 migrations, 600k rows)", "change"),
                    benchmark.measure("worst case: 500 one-row statements", "small"));
            Result full = benchmark.fullRehearsal("change");
            String section = Report.section(results, full, benchmark.serverVersion());
            Report.replaceSection(report, "tracing-overhead", section);
            System.out.println(section);
        }
    }

    private String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    private void seed() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        }
        Flyway.configure().dataSource(url(), "postgres", null).locations("classpath:bench/seed").load().migrate();
        try (Connection connection = postgres.getDatabase("postgres", DATABASE).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE");
        }
    }

    private String serverVersion() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SHOW server_version")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private FlywayEngine engine(String changeSet) {
        return FlywayEngine.of(Flyway.configure().dataSource(url(), "postgres", null)
                .locations("classpath:bench/seed", "classpath:bench/" + changeSet));
    }

    /** Milliseconds to apply the change set to a fresh branch, traced with evidence or not at all. */
    private double applyOnce(String changeSet, boolean traced) throws SQLException {
        FlywayEngine engine = engine(changeSet);
        var target = dev.rehearsal.api.DatabaseLocation.of(url(), "postgres", null);
        MigrationPlan plan = engine.plan(target.dataSource("bench"));
        try (Branch branch = provider.create(new BranchRequest(target, java.time.Duration.ofHours(1), "benchmark"))) {
            long start = System.nanoTime();
            ApplyResult result;
            if (traced) {
                // as a run does: every statement is also looked at by the branch guard (PostgreSQL's parser where needed)
                result = TracedApply.apply(engine, branch.dataSource(), plan);
            } else {
                result = engine.apply(branch.dataSource(), plan, MigrationObserver.NONE);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            if (!result.succeeded()) {
                throw new IllegalStateException("The benchmark's migrations failed: " + result.failure().message());
            }
            return millis;
        }
    }

    private Result measure(String name, String changeSet) throws SQLException {
        for (int i = 0; i < WARMUP; i++) {
            applyOnce(changeSet, true);
            applyOnce(changeSet, false);
        }
        List<Double> traced = new ArrayList<>();
        List<Double> untraced = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean tracedFirst = round % 2 == 0;
            for (boolean withTracing : new boolean[] {tracedFirst, !tracedFirst}) {
                (withTracing ? traced : untraced).add(applyOnce(changeSet, withTracing));
            }
        }
        return new Result(name, Stats.of(traced), Stats.of(untraced));
    }

    /** For context: what a whole rehearsal costs (branch, catalog before/after with data facts, checks, drop). */
    private Result fullRehearsal(String changeSet) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < WARMUP + ROUNDS / 2; i++) {
            long start = System.nanoTime();
            Outcome outcome = Rehearsal.configure().target(url(), "postgres", null)
                    .branchProvider(provider).engine(engine(changeSet)).load().rehearse();
            if (i >= WARMUP) {
                times.add((System.nanoTime() - start) / 1e6);
            }
            if (outcome.failure() != null) {
                throw new IllegalStateException(outcome.failure().summary());
            }
        }
        Stats stats = Stats.of(times);
        return new Result("full rehearse() of the typical release", stats, stats);
    }

    record Result(String workload, Stats traced, Stats untraced) {
        double ratio() {
            return traced.median() / untraced.median();
        }
    }

    record Stats(double median, double min, double max, int n) {
        static Stats of(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
        }

        String format() {
            return String.format(Locale.ROOT, "%.0f ms (min %.0f, max %.0f, n=%d)", median, min, max, n);
        }
    }
}
