package dev.rehearsal.sql;

import dev.rehearsal.trace.StatementGuard;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps a rehearsal inside its branch: refuses, before it reaches the server, every statement that would act beyond
 * the branch database ({@link OutsideBranch}). A branch on the target's server shares the server's databases, roles,
 * tablespaces, configuration and sessions with the target, so running such a statement there would do it for real;
 * it is refused instead, the migration stops there, and the run reports it as a blocking finding.
 */
public final class BranchGuard implements StatementGuard {
    /** The SQLSTATE of a refused statement (Rehearsal's own class "RH"). */
    public static final String REFUSED = "RH001";

    @Override
    public void check(String sql) throws SQLException {
        List<OutsideBranch.Effect> effects = OutsideBranch.of(sql);
        if (!effects.isEmpty()) {
            throw new SQLException("Rehearsal did not run this statement on the branch: it acts beyond the branch "
                    + "database (" + effects.stream().map(effect -> effect.describe() + ": "
                    + effect.reach().description()).collect(Collectors.joining("; ")) + "), which the branch "
                    + "shares with the target", REFUSED);
        }
    }
}
