package dev.rehearsal.check;

import dev.rehearsal.engine.Migration;
import dev.rehearsal.trace.StatementTrace;
import java.util.List;
import javax.sql.DataSource;

/**
 * The evidence a check works on, after the migrations were applied to the branch.
 *
 * @param branch     the migrated branch; checks may query it (and should not change it)
 * @param applied    the migrations applied on the branch, in order
 * @param statements every statement executed on the branch, in order
 */
public record CheckContext(DataSource branch, List<Migration> applied, List<StatementTrace> statements) {
    public CheckContext {
        applied = List.copyOf(applied);
        statements = List.copyOf(statements);
    }
}
