package dev.rehearsal.check;

import dev.rehearsal.catalog.Table;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.check.RunningQueries.Plan;
import dev.rehearsal.check.RunningQueries.Plan.IndexUse;
import dev.rehearsal.check.RunningQueries.Plan.Relation;
import dev.rehearsal.check.RunningQueries.Query;
import dev.rehearsal.check.RunningQueries.Workload;
import dev.rehearsal.trace.StatementTrace;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans the running version's queries ({@link CheckContext#workload()}) again on the migrated branch and compares:
 * a query that planned before the migrations and no longer does — a table or column it names is gone or renamed, a
 * type no longer matches, a name became ambiguous — is {@link FindingKinds#BROKEN_QUERY}, blocking: the running
 * version would fail on it from the moment the migration is promoted. One of the {@value #HOT} most run queries whose
 * plan lost an index it used, on a table with data, and costs at least twice as much now, is
 * {@link FindingKinds#PLAN_REGRESSION}, a warning. The queries are only planned, never run.
 */
final class RunningQueryCheck implements Check {
    /** The most run queries whose plans are compared. */
    static final int HOT = 100;
    /** How much more a plan must cost, with an index lost, to count as worse. */
    private static final double WORSE = 2.0;
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
    private static final String EXPAND_CONTRACT = "expand, then contract: keep what the running version uses "
            + "(the old column or table, or a view by its old name) until every instance runs the version that no longer "
            + "uses it, and remove it in a later migration";

    @Override
    public List<Finding> evaluate(CheckContext context) throws SQLException {
        Workload workload = context.workload();
        List<Finding> findings = new ArrayList<>();
        if (workload.isEmpty()) {
            return findings;
        }
        try (QueryPlanner planner = QueryPlanner.open(context.branch())) {
            List<Workload.Planned> queries = workload.queries(); // the most run first
            for (int i = 0; i < queries.size(); i++) {
                Workload.Planned planned = queries.get(i);
                QueryPlanner.Result after = planner.plan(planned.query());
                if (!after.planned()) {
                    findings.add(after.operational() ? unchecked(planned.query(), after)
                            : broken(context, planned, after));
                } else if (i < HOT) {
                    regression(context, planned, after.plan()).ifPresent(findings::add);
                }
            }
        }
        return findings;
    }

    private static Finding broken(CheckContext context, Workload.Planned planned, QueryPlanner.Result after) {
        Query query = planned.query();
        // the server's words name objects only for errors of class 42; others (a cast that fails) may quote a value
        boolean namesObjects = after.sqlState() != null && after.sqlState().startsWith("42");
        String error = namesObjects ? firstLine(after.error()) : "SQLSTATE " + after.sqlState();
        Map<String, Object> evidence = evidence(query);
        evidence.put("sqlState", after.sqlState());
        if (namesObjects) {
            evidence.put("error", error);
        }
        Optional<StatementTrace> cause = cause(context, planned.before(), namesObjects ? names(error) : List.of());
        return new Finding(FindingKinds.BROKEN_QUERY, Severity.BLOCKING, cause.map(StatementTrace::migration)
                .orElse(null), cause.map(StatementTrace::sql).orElse(null), "a query the running version runs ("
                + times(query.calls()) + ", " + query.source() + ") no longer plans after the migrations: " + error
                + ": " + query.shown(), evidence, EXPAND_CONTRACT);
    }

    private static Finding unchecked(Query query, QueryPlanner.Result after) {
        Map<String, Object> evidence = evidence(query);
        evidence.put("sqlState", after.sqlState());
        return new Finding(FindingKinds.BROKEN_QUERY, Severity.WARNING, null, null, "a query the running version "
                + "runs (" + times(query.calls()) + ") could not be planned again on the migrated branch (SQLSTATE "
                + after.sqlState() + ", about the session rather than the query): it is not known whether it still "
                + "plans: " + query.shown(), evidence, "run the rehearsal again");
    }

    /**
     * A finding when the plan lost an index it used on a table with data and costs {@value #WORSE} times as much or
     * more: the running version's query reads that table another, slower way.
     */
    private static Optional<Finding> regression(CheckContext context, Workload.Planned planned, Plan after) {
        Plan before = planned.before();
        if (after.totalCost() < before.totalCost() * WORSE || context.before() == null) {
            return Optional.empty();
        }
        for (IndexUse lost : before.indexes()) {
            if (after.indexes().contains(lost)) {
                continue;
            }
            Optional<Table> table = context.before().table(lost.table().schema(), lost.table().name());
            if (table.isEmpty() || !context.hadData(table.get().oid())) {
                continue;
            }
            Query query = planned.query();
            boolean scanned = after.seqScans().contains(lost.table());
            Map<String, Object> evidence = evidence(query);
            evidence.put("index", lost.index());
            evidence.put("table", table.get().qualifiedName());
            evidence.put("costBefore", Math.round(before.totalCost()));
            evidence.put("costAfter", Math.round(after.totalCost()));
            evidence.put("readsWholeTable", scanned);
            evidence.putAll(context.productionEvidence(table.get()));
            Optional<StatementTrace> cause = Attribution.changing(context, table.get().oid(), lost.index());
            return Optional.of(new Finding(FindingKinds.PLAN_REGRESSION, Severity.WARNING,
                    cause.map(StatementTrace::migration).orElse(null), cause.map(StatementTrace::sql).orElse(null),
                    "one of the running version's most run queries (" + times(query.calls()) + ") no longer uses "
                            + "index " + lost.index() + " on " + table.get().qualifiedName() + " ("
                            + context.rowsOf(table.get()) + " rows)" + (scanned ? " and reads the whole table" : "")
                            + ": its estimated cost went from " + Math.round(before.totalCost()) + " to "
                            + Math.round(after.totalCost()) + context.judgedAtProductionSize(table.get()) + ": "
                            + query.shown(), evidence,
                    "keep an index that serves the query (create the new one CONCURRENTLY before dropping the old), "
                            + "or drop the index only once no running version runs the query"));
        }
        return Optional.empty();
    }

    /**
     * The statement that broke the query: the last one that changed a table its plan used before, preferring one that
     * names what the error names; else the last statement naming it (a view, a function, a type).
     */
    private static Optional<StatementTrace> cause(CheckContext context, Plan before, List<String> names) {
        String[] named = names.toArray(String[]::new);
        Optional<StatementTrace> latest = Optional.empty();
        for (Relation relation : before.relations()) {
            Optional<Table> table = context.before() == null ? Optional.empty()
                    : context.before().table(relation.schema(), relation.name());
            if (table.isEmpty()) {
                continue;
            }
            // without a statement naming them, the last that changed the table
            Optional<StatementTrace> changed = Attribution.changing(context, table.get().oid(), named);
            if (changed.isPresent() && (latest.isEmpty()
                    || changed.get().sequence() > latest.get().sequence())) {
                latest = changed;
            }
        }
        if (latest.isPresent() || names.isEmpty()) {
            return latest;
        }
        for (String name : names) {
            Optional<StatementTrace> naming = Attribution.naming(context.migrationStatements(), name);
            if (naming.isPresent()) {
                return naming;
            }
        }
        return Optional.empty();
    }

    /** The names an error message quotes, e.g. {@code email} of {@code column "email" does not exist}. */
    private static List<String> names(String error) {
        List<String> names = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(error);
        while (quoted.find()) {
            String name = quoted.group(1);
            names.add(name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name);
        }
        return names;
    }

    private static Map<String, Object> evidence(Query query) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("query", query.shown());
        evidence.put("calls", query.calls());
        evidence.put("source", query.source());
        if (query.role() != null) {
            evidence.put("role", query.role());
        }
        return evidence;
    }

    private static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("");
        return line.startsWith("ERROR: ") ? line.substring("ERROR: ".length()) : line;
    }

    private static String times(long calls) {
        return calls == 1 ? "run once" : "run " + calls + " times";
    }
}
