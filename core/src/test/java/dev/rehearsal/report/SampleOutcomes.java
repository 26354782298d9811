package dev.rehearsal.report;

import dev.rehearsal.check.Finding;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.State;
import dev.rehearsal.outcome.Outcome.Promotion;
import dev.rehearsal.outcome.Outcome.Timings;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.trace.LockMode;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import dev.rehearsal.trace.StatementTrace.RelationRewrite;
import dev.rehearsal.trace.StatementTrace.TableScan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Hand-built outcomes for the report tests: every part is known, so renderings can be compared exactly. */
final class SampleOutcomes {
    static final String TARGET = "jdbc:postgresql://db:5432/shop";
    static final Instant STARTED = Instant.parse("2026-11-23T21:53:01Z");
    static final Instant EXPIRES = Instant.parse("2026-11-24T05:53:01Z");
    static final Timings TIMINGS = new Timings(5, 120, 0, 300, 40, 60, 0, 530);
    static final String BRANCH_NAME = "rehearsal_shop_20261123T215301_k3f9qa";

    private SampleOutcomes() {
    }

    static Outcome promoted() {
        return new Outcome(Verdict.PROMOTED, TARGET, "Flyway 13.12.0",
                List.of(new MigrationStatus("2", "add orders", "V2__add_orders.sql", State.APPLIED, State.APPLIED)),
                branch(false), null, List.of(), List.of(),
                List.of(new StatementTrace(1, "2", "CREATE TABLE orders (id int)", STARTED, 1200, 0L, true, null,
                        null)),
                STARTED, TIMINGS, new Promotion(Duration.ofSeconds(5), null, 2,
                        List.of(new Promotion.Retry(1, "2", "canceling statement due to lock timeout", 1400)), true,
                        "9f2c", List.of()), List.of("rehearsal_shop_20261122T101500_a1b2c3"));
    }

    static Outcome nothingPending() {
        return new Outcome(Verdict.NOTHING_PENDING, TARGET, "Flyway 13.12.0", List.of(), null, null, List.of(),
                List.of(), List.of(), STARTED, new Timings(5, 0, 0, 0, 0, 0, 0, 9), null, List.of());
    }

    /** Failed on the branch; the branch was kept. */
    static Outcome failedAndKept(String statement) {
        return new Outcome(Verdict.FAILED_ON_BRANCH, TARGET, "Flyway 13.12.0",
                List.of(new MigrationStatus("2", "add orders", "V2__add_orders.sql", State.APPLIED, State.NOT_RUN),
                        new MigrationStatus("3", "unique emails", "V3__unique_emails.sql", State.FAILED,
                                State.NOT_RUN)),
                branch(true),
                new MigrationFailure("branch", "3", "unique emails", statement, 4, "23505",
                        "could not create unique index \"customers_email\"",
                        "Key (email)=(a@example.com) is duplicated.", "deduplicate the e-mails first"),
                List.of(), List.of(),
                List.of(new StatementTrace(1, "3", statement, STARTED, 800, null, true, "23505",
                        "ERROR: could not create unique index")),
                STARTED, TIMINGS, null, List.of());
    }

    static Outcome blocked() {
        return new Outcome(Verdict.BLOCKED, TARGET, "Flyway 13.12.0",
                List.of(new MigrationStatus("4", "add status", "V4__add_status.sql", State.APPLIED, State.NOT_RUN)),
                branch(false), null,
                List.of(new Finding("table-rewrite", Severity.BLOCKING, "4",
                                "ALTER TABLE orders ALTER COLUMN id TYPE bigint",
                                "rewrites orders (1000000 rows) under an ACCESS EXCLUSIVE lock",
                                Map.of("rows", 1_000_000), "add a new column and backfill it in batches"),
                        new Finding("slow-statement", Severity.INFO, null, null, "took 2 s", null, null)),
                List.of(), List.of(), STARTED, TIMINGS, null, List.of());
    }

    /** Passed on the branch, with a rewrite under ACCESS EXCLUSIVE and an index build that blocked writes. */
    static Outcome passedWithLocks() {
        StatementTrace rewrite = new StatementTrace(2, "5", "ALTER TABLE public.orders ALTER COLUMN id TYPE bigint",
                STARTED.plusMillis(3), 1_250_000, null, true, null, null,
                List.of(new LockTrace(16384, "public.orders", true, LockMode.ACCESS_EXCLUSIVE, 1300, false)),
                List.of(), List.of(new RelationRewrite(16384, "public.orders", "table", 48L << 20)));
        StatementTrace index = new StatementTrace(3, "5", "CREATE INDEX orders_status ON public.orders (status)",
                STARTED.plusMillis(1255), 40_000, null, true, null, null,
                List.of(new LockTrace(16384, "public.orders", true, LockMode.SHARE, 48, false),
                        new LockTrace(16390, "public.order_lines", true, LockMode.ACCESS_SHARE, 48, false)),
                List.of(new TableScan(16384, "public.orders", 1_000_000)), List.of());
        return new Outcome(Verdict.PASSED, TARGET, "Flyway 13.12.0",
                List.of(new MigrationStatus("5", "bigint ids", "db/migration/V5__bigint_ids.sql", State.APPLIED,
                        State.NOT_RUN)),
                branch(false), null,
                List.of(new Finding("table-rewrite", Severity.BLOCKING, "5", rewrite.sql(),
                        "rewrites public.orders (1000000 rows) under an ACCESS EXCLUSIVE lock", Map.of(),
                        "add a new column and backfill it in batches").acknowledged("orders is empty in production")),
                List.of(),
                List.of(new StatementTrace(1, null, "SELECT version()", STARTED, 300, null, false, null, null),
                        rewrite, index),
                STARTED, TIMINGS, null, List.of());
    }

    static Outcome targetChanged() {
        return withVerdict(promoted(), Verdict.TARGET_CHANGED);
    }

    static Outcome promotionFailed() {
        Outcome promoted = promoted();
        return new Outcome(Verdict.PROMOTION_FAILED, TARGET, promoted.engine(),
                List.of(new MigrationStatus("2", "add orders", "V2__add_orders.sql", State.APPLIED, State.FAILED)),
                promoted.branch(), new MigrationFailure("target", "2", "add orders", "CREATE TABLE orders (id int)",
                        1, "42P07", "relation \"orders\" already exists", null, null),
                List.of(), List.of(), promoted.statements(), STARTED, TIMINGS, promoted.promotion(), List.of());
    }

    static Outcome diverged() {
        Outcome promoted = promoted();
        return new Outcome(Verdict.DIVERGED, TARGET, promoted.engine(), promoted.migrations(), promoted.branch(), null,
                List.of(new Finding("target-differs", Severity.BLOCKING, null, null,
                        "the target's schema differs from the rehearsed branch's", Map.of(), null)),
                List.of(), promoted.statements(), STARTED, TIMINGS,
                new Promotion(Duration.ofSeconds(5), null, 1, List.of(), false, "77aa",
                        List.of("only on the target: index public.orders_legacy")), List.of());
    }

    static Outcome withVerdict(Outcome outcome, Verdict verdict) {
        return new Outcome(verdict, outcome.target(), outcome.engine(), outcome.migrations(), outcome.branch(),
                outcome.failure(), outcome.findings(), outcome.schemaChanges(), outcome.statements(),
                outcome.startedAt(), outcome.timings(), null, outcome.orphansDropped());
    }

    private static BranchSummary branch(boolean kept) {
        return new BranchSummary("template", BRANCH_NAME, "jdbc:postgresql://db:5432/" + BRANCH_NAME,
                "FILE_COPY (file_copy_method=clone)", 120, kept, EXPIRES);
    }
}
