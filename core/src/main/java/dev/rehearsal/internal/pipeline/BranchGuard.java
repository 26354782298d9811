package dev.rehearsal.internal.pipeline;

import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Keeps a rehearsal inside its branch: refuses, before it reaches the server, every statement that would act beyond
 * the branch database ({@link OutsideBranch}). A branch on the target's server shares the server's databases, roles,
 * tablespaces, configuration and sessions with the target, so running such a statement there would do it for real;
 * it is refused instead, the migration stops there, and the run reports it as a blocking finding. On a branch with a
 * {@linkplain dev.rehearsal.branch.Branch#hasOwnServer() server of its own} those run (they act on the branch's
 * server alone) and are remembered for the report; connections to other servers and the server's files and programs
 * are refused on every branch: they reach beyond any branch.
 */
final class BranchGuard implements StatementGuard {
    /** The SQLSTATE of a refused statement (Rehearsal's own class "RH"). */
    public static final String REFUSED = "RH001";
    private static final Set<OutsideBranch.Reach> BEYOND_ANY_BRANCH = EnumSet.of(OutsideBranch.Reach.OTHER_SERVERS,
            OutsideBranch.Reach.SERVER_FILES);

    private final boolean ownServer;
    /** What each statement the guard saw does beyond the branch database, by its text: parsed once, here. */
    private final Map<String, List<OutsideBranch.Effect>> beyond = new ConcurrentHashMap<>();

    /** @param ownServer whether the branch has a server of its own ({@link dev.rehearsal.branch.Branch#hasOwnServer()}) */
    public BranchGuard(boolean ownServer) {
        this.ownServer = ownServer;
    }

    @Override
    public void check(String sql) throws SQLException {
        List<OutsideBranch.Effect> effects = OutsideBranch.of(sql);
        if (effects.isEmpty()) {
            return;
        }
        beyond.put(sql, effects);
        List<OutsideBranch.Effect> refused = ownServer
                ? effects.stream().filter(effect -> BEYOND_ANY_BRANCH.contains(effect.reach())).toList() : effects;
        if (refused.isEmpty()) {
            return;
        }
        throw new SQLException("Rehearsal did not run this statement on the branch: it acts beyond the branch "
                + (ownServer ? "" : "database ") + "(" + refused.stream().map(effect -> effect.describe() + ": "
                + effect.reach().description()).collect(Collectors.joining("; ")) + ")"
                + (ownServer ? "" : ", which the branch shares with the target"), REFUSED);
    }

    /**
     * What {@code sql}, a statement this guard saw, does beyond the branch database (empty when nothing); whether it
     * ran or was refused, its trace's SQLSTATE ({@link #REFUSED}) tells.
     */
    public List<OutsideBranch.Effect> effectsOf(String sql) {
        return beyond.getOrDefault(sql, List.of());
    }
}
