package dev.rehearsal.check;

import static dev.rehearsal.check.DataLossCheck.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds migrations whose wait for a lock nothing bounds. A statement that needs a lock blocking reads or writes of a
 * table (an {@code ALTER TABLE}, a {@code CREATE INDEX}) waits for every transaction using the table to end — and
 * every query on the table waits behind it, however small the table is and however quick the statement: one
 * long-running report in production is enough to stop the application. {@code lock_timeout} makes the migration give
 * up instead.
 *
 * <p>One finding per migration, at its first such statement, unless before it the migration sets {@code lock_timeout}
 * ({@code SET}, {@code SET LOCAL} in its transaction, or {@code set_config('lock_timeout', ...)}, read from the parse
 * tree) to more than zero, or a fresh session on the branch as the migrations' user has a non-zero default — the
 * server's, the database's or the role's ({@code ALTER DATABASE/ROLE ... SET lock_timeout}), which the branch carries
 * from the target, and which a plain deploy would have too. The table's rows do not matter: the queue forms on a busy
 * empty table as well, and a development database is empty.
 *
 * <p>When the run only rehearses, whoever deploys afterwards (a plain {@code flyway migrate}) gets nothing more:
 * WARNING. When Rehearsal promotes, it sets its own {@code lock_timeout} ({@code Rehearsal.Builder.lockTimeout}) on
 * the target: INFO, for the other ways the migration may be deployed — WARNING again if that timeout is zero.
 */
final class LockTimeoutCheck implements Check {
    private static final String LOCK_TIMEOUT = "lock_timeout";
    private static final Pattern NUMBER = Pattern.compile("^\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)");

    @Override
    public List<Finding> evaluate(CheckContext context) throws SQLException {
        long sessionDefault = sessionDefaultMillis(context);
        if (sessionDefault > 0) {
            return List.of();
        }
        Map<String, List<StatementTrace>> byMigration = new LinkedHashMap<>();
        context.migrationStatements().forEach(s -> byMigration.computeIfAbsent(s.migration(), m -> new ArrayList<>())
                .add(s));
        List<Finding> findings = new ArrayList<>();
        for (List<StatementTrace> statements : byMigration.values()) {
            unboundedLock(context, statements).ifPresent(findings::add);
        }
        return findings;
    }

    private static Optional<Finding> unboundedLock(CheckContext context, List<StatementTrace> statements) {
        Boolean session = null; // bounded by the migration's own SET; null: the default
        Boolean local = null;   // bounded by its SET LOCAL, for the rest of its transaction
        for (StatementTrace statement : statements) {
            if (statement.failed()) {
                continue;
            }
            Optional<LockTrace> lock = statement.locks().stream()
                    .filter(l -> l.existedBefore() && (l.blocksReads() || l.blocksWrites()))
                    .filter(l -> context.before() != null && context.before().tableByOid(l.relationOid()).isPresent())
                    .max(Comparator.comparing(LockTrace::mode));
            Boolean inForce = statement.inTransaction() && local != null ? local : session;
            if (lock.isPresent() && !Boolean.TRUE.equals(inForce)) {
                return Optional.of(finding(context, statement, lock.get()));
            }
            // a setting takes effect for the statements after the one that makes it
            for (JsonNode node : SqlTrees.statements(statement.sql())) {
                JsonNode set = node.path("VariableSetStmt");
                if (LOCK_TIMEOUT.equals(set.path("name").asText())) {
                    Boolean bounded = switch (set.path("kind").asText()) {
                        case "VAR_SET_VALUE" -> bounded(set.path("args").path(0).path("A_Const"));
                        default -> null; // RESET, SET ... TO DEFAULT: back to the default, which is 0 here
                    };
                    if (set.path("is_local").asBoolean()) {
                        local = statement.inTransaction() ? bounded : local;
                    } else {
                        session = bounded;
                        local = null;
                    }
                } else if (set.path("kind").asText().equals("VAR_RESET_ALL")) {
                    session = null;
                    local = null;
                }
                for (JsonNode call : node.findValues("FuncCall")) {
                    JsonNode args = call.path("args");
                    if (SqlTrees.lastName(call.path("funcname")).equals("set_config")
                            && LOCK_TIMEOUT.equals(args.path(0).path("A_Const").path("sval").path("sval").asText())) {
                        Boolean bounded = args.path(1).has("A_Const") ? bounded(args.path(1).path("A_Const")) : true;
                        boolean isLocal = args.path(2).path("A_Const").path("boolval").path("boolval").asBoolean();
                        if (isLocal) {
                            local = statement.inTransaction() ? bounded : local;
                        } else {
                            session = bounded;
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** True when the constant is a timeout above zero ({@code '5s'}, {@code 5000}); a zero turns the timeout off. */
    private static Boolean bounded(JsonNode constant) {
        if (constant.has("ival")) {
            return constant.path("ival").path("ival").asLong() > 0;
        }
        String text = constant.has("fval") ? constant.path("fval").path("fval").asText()
                : constant.path("sval").path("sval").asText();
        Matcher number = NUMBER.matcher(text);
        // a value the server took but this cannot read bounds the wait, as far as can be told
        return !number.find() || Double.parseDouble(number.group(1)) > 0;
    }

    private static Finding finding(CheckContext context, StatementTrace statement, LockTrace lock) {
        Duration promotion = context.promotionLockTimeout();
        boolean promotionBounds = promotion != null && !promotion.isZero();
        long rows = context.measuredRowsBefore(lock.relationOid()).orElse(0L);
        String blocks = lock.blocksReads() ? "reads and writes" : "writes";
        Map<String, Object> evidence = evidence("relation", lock.relation(), "lockMode", lock.mode().sqlName(),
                "blocksReads", lock.blocksReads(), "blocksWrites", lock.blocksWrites(), "tableRows", rows,
                "sessionLockTimeoutMillis", 0L);
        if (promotion != null) {
            evidence.put("promotionLockTimeoutMillis", promotion.toMillis());
        }
        evidence.putAll(context.productionEvidence(lock.relationOid()));
        String message = "the migration locks " + lock.relation() + " in " + lock.mode().sqlName() + " mode (it "
                + "blocks the table's " + blocks + ") and sets no lock_timeout before it, nor has its session one: deployed "
                + (promotionBounds ? "any other way than by Rehearsal (which sets lock_timeout "
                + promotion.toMillis() + " ms)" : promotion != null ? "with Rehearsal's lockTimeout 0, or any other way"
                : "by a plain migrate") + ", it waits for the lock as long as any transaction uses the table, "
                + "and every query on the table queues behind it";
        return new Finding(FindingKinds.NO_LOCK_TIMEOUT, promotionBounds ? Severity.INFO : Severity.WARNING,
                statement.migration(), statement.sql(), message, evidence, "begin the migration with SET lock_timeout "
                + "= '5s' (SET LOCAL in its transaction) and retry it when it gives up, or give the role that deploys "
                + "a default: ALTER ROLE ... SET lock_timeout = '5s'");
    }

    /** {@code lock_timeout} in a fresh session on the branch, in milliseconds: what a plain deploy would start with. */
    private static long sessionDefaultMillis(CheckContext context) throws SQLException {
        try (Connection connection = context.branch().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT setting::bigint FROM pg_settings WHERE name = "
                     + "'lock_timeout'")) {
            return row.next() ? row.getLong(1) : 0;
        }
    }
}
