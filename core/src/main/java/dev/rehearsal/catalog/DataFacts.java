package dev.rehearsal.catalog;

import java.util.Objects;

/**
 * How {@link CatalogSnapshot#take} gathers data facts — the row count of each table and the non-null count of each
 * column — which, counted exactly, need a scan of every table.
 *
 * <ul>
 *   <li>{@link Mode#EXACT}: one plain {@code SELECT count(*), count(c1), count(c2), ... FROM ONLY t} per table whose
 *       {@linkplain Table#sizeBytes() size} is at most {@code exactLimitBytes}; larger tables get estimates.
 *   <li>{@link Mode#ESTIMATED}: no scan; the row count from {@code pg_class.reltuples} and the non-null counts from
 *       {@code pg_stats.null_frac}, as of the last {@code ANALYZE} (or autovacuum). Facts the statistics do not have
 *       (a table never analyzed) are null. Such tables are marked {@link Table#estimated()}.
 *   <li>{@link Mode#NONE}: no facts; counts are null.
 * </ul>
 *
 * <p>A partitioned table is never scanned itself: its facts are the sums of its leaf partitions' facts (matched by
 * column name), which costs nothing more; they are estimated when any partition's are, and null when any partition's
 * are unknown (e.g. a foreign table partition). Virtual generated columns (PostgreSQL 18) are not counted — counting
 * them would compute them for every row — so their {@code nonNullCount} is null.
 *
 * <pre>{@code
 * CatalogSnapshot.take(connection, DataFacts.exactUpTo(256L << 20)); // count tables up to 256 MiB, estimate above
 * }</pre>
 *
 * @param mode            how facts are gathered
 * @param exactLimitBytes for {@link Mode#EXACT}, the largest table (by {@code pg_total_relation_size}) still counted
 *                        exactly; 0 for the other modes
 */
public record DataFacts(Mode mode, long exactLimitBytes) {
    private static final long ONE_GIB = 1L << 30;

    /** How data facts are gathered. */
    public enum Mode {
        /** Counted by a scan, up to a table size; estimated above it. */
        EXACT,
        /** Taken from the planner's statistics; no scan. */
        ESTIMATED,
        /** Not gathered. */
        NONE
    }

    public DataFacts {
        Objects.requireNonNull(mode, "mode");
        if (exactLimitBytes < 0) {
            throw new IllegalArgumentException("The size up to which tables are counted exactly must not be "
                    + "negative, but was " + exactLimitBytes + ": use DataFacts.estimated() to count none");
        }
    }

    /** Exact counts for every table up to {@code bytes} (inclusive), estimates above. */
    public static DataFacts exactUpTo(long bytes) {
        return new DataFacts(Mode.EXACT, bytes);
    }

    /** Estimates from the planner's statistics only: no table is scanned. */
    public static DataFacts estimated() {
        return new DataFacts(Mode.ESTIMATED, 0);
    }

    /** No data facts: row and non-null counts are null. */
    public static DataFacts none() {
        return new DataFacts(Mode.NONE, 0);
    }

    /** Exact counts for tables up to 1 GiB, estimates above. */
    public static DataFacts defaults() {
        return exactUpTo(ONE_GIB);
    }

    /** Whether a table of this size is counted by a scan. */
    boolean countsExactly(long sizeBytes) {
        return mode == Mode.EXACT && sizeBytes <= exactLimitBytes;
    }
}
