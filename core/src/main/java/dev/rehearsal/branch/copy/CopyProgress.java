package dev.rehearsal.branch.copy;

import java.time.Duration;

/**
 * How far a {@link SnapshotCopyBranchProvider} copy has got, reported to a {@link Listener} each time a table's data
 * is done and at the start and end of each phase. Sizes come from the source's catalog ({@code pg_table_size},
 * {@code reltuples}), read in the copy's snapshot, so rows are an estimate and bytes are the tables' size on disk,
 * not the size of the dump.
 *
 * <pre>{@code
 * SnapshotCopyBranchProvider.builder()
 *         .progress(p -> System.out.printf("%s %d%% ETA %s%n", p.phase(), p.percent(), p.eta()))
 *         .build();
 * }</pre>
 *
 * @param database    the database being copied
 * @param phase       what is being done now
 * @param tablesDone  tables whose data this phase has done
 * @param tablesTotal tables with data to copy (0 for a schema-only copy)
 * @param bytesDone   the size of the tables this phase has done
 * @param bytesTotal  the size of all tables to copy
 * @param rowsDone    the estimated rows of the tables this phase has done
 * @param rowsTotal   the estimated rows of all tables to copy
 * @param elapsed     since the copy started
 * @param eta         the estimated time until the whole copy (dump and restore) is done, or null while unknown
 */
public record CopyProgress(String database, Phase phase, int tablesDone, int tablesTotal, long bytesDone,
                           long bytesTotal, long rowsDone, long rowsTotal, Duration elapsed, Duration eta) {
    /** The phases of a copy, in order. */
    public enum Phase {
        /** pg_dump writes the schema and data of one snapshot of the source to a local directory. */
        DUMP,
        /** pg_restore loads them into the new database (with a sample: the schema, then the sampled rows). */
        RESTORE,
        /** The copy is complete. */
        DONE
    }

    /**
     * Receives progress on the thread that makes the branch; it should return quickly. An exception it throws is
     * logged and otherwise ignored: it never fails the copy.
     */
    @FunctionalInterface
    public interface Listener {
        void progress(CopyProgress progress);
    }

    /** The whole copy's progress from 0 to 100, dump and restore counting alike. */
    public int percent() {
        if (phase == Phase.DONE) {
            return 100;
        }
        long total = bytesTotal > 0 ? bytesTotal : tablesTotal;
        long done = bytesTotal > 0 ? bytesDone : tablesDone;
        if (total == 0) {
            return phase == Phase.DUMP ? 0 : 50;
        }
        return (int) ((phase == Phase.DUMP ? 0 : 50) + 50 * done / total);
    }
}
