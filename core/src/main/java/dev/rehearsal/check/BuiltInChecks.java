package dev.rehearsal.check;

import java.util.List;

/** The built-in checks ({@link Check#builtIn()}). */
final class BuiltInChecks {
    private BuiltInChecks() {
    }

    /** The built-in checks, in the order they run. */
    public static List<Check> all() {
        return List.of(new RewriteCheck(), new LockCheck(), new DataLossCheck(), new CompatibilityCheck(),
                new LeftoverCheck(), new BackfillCheck(), new ForeignKeyIndexCheck(),
                new LockTimeoutCheck(), new RunningQueryCheck());
    }
}
