package dev.rehearsal.check;

import java.util.List;

/** The checks every rehearsal runs, before the user's own. Tune them with a {@link Policy}. */
public final class BuiltInChecks {
    private BuiltInChecks() {
    }

    public static List<Check> all() {
        return List.of(new RewriteCheck(), new LockCheck(), new DataLossCheck(), new CompatibilityCheck(),
                new LeftoverCheck(), new BackfillCheck(), new ForeignKeyIndexCheck(),
                new LockTimeoutCheck());
    }
}
