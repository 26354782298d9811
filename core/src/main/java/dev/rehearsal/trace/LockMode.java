package dev.rehearsal.trace;

import java.util.Locale;

/**
 * PostgreSQL's table-level lock modes, with what each one blocks for other sessions. Plain reads ({@code SELECT})
 * take {@code ACCESS SHARE}; writes ({@code INSERT}, {@code UPDATE}, {@code DELETE}) take {@code ROW EXCLUSIVE}.
 */
public enum LockMode {
    ACCESS_SHARE("AccessShareLock", false, false),
    ROW_SHARE("RowShareLock", false, false),
    ROW_EXCLUSIVE("RowExclusiveLock", false, false),
    SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock", false, false),
    SHARE("ShareLock", false, true),
    SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock", false, true),
    EXCLUSIVE("ExclusiveLock", false, true),
    ACCESS_EXCLUSIVE("AccessExclusiveLock", true, true);

    private final String pgName;
    private final boolean blocksReads;
    private final boolean blocksWrites;

    LockMode(String pgName, boolean blocksReads, boolean blocksWrites) {
        this.pgName = pgName;
        this.blocksReads = blocksReads;
        this.blocksWrites = blocksWrites;
    }

    /** The mode as {@code pg_locks.mode} names it, e.g. {@code AccessExclusiveLock}. */
    public String pgName() {
        return pgName;
    }

    /** The mode as SQL names it, e.g. {@code ACCESS EXCLUSIVE}. */
    public String sqlName() {
        return name().replace('_', ' ');
    }

    /** True when other sessions' plain {@code SELECT}s wait for this lock. */
    public boolean blocksReads() {
        return blocksReads;
    }

    /** True when other sessions' {@code INSERT}/{@code UPDATE}/{@code DELETE}s wait for this lock. */
    public boolean blocksWrites() {
        return blocksWrites;
    }

    /** The mode for a {@code pg_locks.mode} value. */
    public static LockMode fromPgName(String pgName) {
        for (LockMode mode : values()) {
            if (mode.pgName.equals(pgName)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown lock mode " + pgName.toLowerCase(Locale.ROOT));
    }
}
