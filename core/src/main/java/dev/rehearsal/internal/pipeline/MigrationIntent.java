package dev.rehearsal.internal.pipeline;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.trace.StatementTrace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a migration that runs outside a transaction (or partly so) is expected to leave on the target, as its
 * rehearsal on the branch showed it. Recorded on the target right before the migration starts there, so that the
 * next run can recognise what a killed promotion left of it. Not API.
 *
 * <p>Such a migration commits statement by statement, so a kill can leave it half done. It is <em>index-only</em>
 * when every statement it ran in auto-commit mode on the branch built an index or changed nothing lasting
 * ({@code SET}, {@code SHOW}, {@code RESET}, a {@code SELECT} without {@code INTO}, {@code ANALYZE},
 * {@code VACUUM}): what a kill leaves of it is then some of {@link #indexes()}, which can be dropped to bring the
 * target back to where the migration had not run. Its statements inside a transaction are taken to be the tool's
 * bookkeeping, which commits together with the history row (Liquibase writes DATABASECHANGELOG so; Flyway runs
 * every statement of a non-transactional migration in auto-commit mode).
 *
 * @param migration      the migration's id
 * @param label          the migration, for messages: its id and description
 * @param indexes        the indexes it built on the branch
 * @param otherStatement the first auto-commit statement that does something else, or why its indexes are unknown;
 *                       null when the migration is index-only
 */
record MigrationIntent(String migration, String label, List<BuiltIndex> indexes, String otherStatement) {
    private static final Pattern COMMENTS = Pattern.compile("--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern CHANGES_NOTHING = Pattern.compile("(set|reset|show)\\b.*", Pattern.DOTALL);
    private static final Pattern INDEX_BUILD = Pattern.compile("create\\s+(unique\\s+)?index\\b.*", Pattern.DOTALL);
    private static final Pattern NOTHING_LASTING = Pattern.compile("(analy[sz]e|vacuum)\\b.*", Pattern.DOTALL);
    private static final Pattern SELECT = Pattern.compile("select\\b.*", Pattern.DOTALL);
    private static final Pattern INTO = Pattern.compile("\\binto\\b");
    private static final int MAX_STATEMENT = 300;

    public MigrationIntent {
        Objects.requireNonNull(migration, "migration");
        indexes = List.copyOf(indexes);
    }

    /** True when a kill can only leave some of {@link #indexes()} behind. */
    public boolean indexOnly() {
        return otherStatement == null;
    }

    /**
     * The intents of the rehearsed migrations that ran any statement in auto-commit mode, by migration id.
     *
     * @param migrations the migrations applied on the branch
     * @param trace      every statement run on the branch
     * @param built      what {@link IndexBuildWatcher} saw each migration build, or null when it could not see
     */
    public static Map<String, MigrationIntent> of(List<Migration> migrations, List<StatementTrace> trace,
                                                  Map<String, List<BuiltIndex>> built) {
        Map<String, String> other = new LinkedHashMap<>();
        for (StatementTrace statement : trace) {
            if (statement.migration() == null || statement.inTransaction() || statement.failed()) {
                continue;
            }
            String sql = normalized(statement.sql());
            if (CHANGES_NOTHING.matcher(sql).matches()) {
                continue;
            }
            boolean lasting = !INDEX_BUILD.matcher(sql).matches() && !NOTHING_LASTING.matcher(sql).matches()
                    && !(SELECT.matcher(sql).matches() && !INTO.matcher(sql).find());
            other.merge(statement.migration(), lasting ? abbreviated(statement.sql()) : "", (first, later) ->
                    first.isEmpty() ? later : first);
        }
        Map<String, MigrationIntent> intents = new LinkedHashMap<>();
        for (Migration migration : migrations) {
            String first = other.get(migration.id());
            if (first == null) {
                continue;
            }
            String otherStatement = first.isEmpty() ? null : first;
            if (built == null && otherStatement == null) {
                otherStatement = "(the indexes it builds could not be observed on the branch)";
            }
            String label = migration.description() == null || migration.description().isEmpty() ? migration.id()
                    : migration.id() + " (" + migration.description() + ")";
            intents.put(migration.id(), new MigrationIntent(migration.id(), label,
                    built == null ? List.of() : built.getOrDefault(migration.id(), List.of()), otherStatement));
        }
        return intents;
    }

    private static String normalized(String sql) {
        return COMMENTS.matcher(sql).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    private static String abbreviated(String sql) {
        String line = sql.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_STATEMENT ? line : line.substring(0, MAX_STATEMENT) + "…";
    }
}
