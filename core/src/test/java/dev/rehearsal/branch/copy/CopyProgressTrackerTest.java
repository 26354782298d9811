package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.copy.CopyProgressTracker;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.CopyProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CopyProgressTrackerTest {
    private static final int TABLES = 20_000;

    @Test
    void aSerialCopyOfTwentyThousandTablesEndsWithEveryTableDoneOnce() {
        List<CopyProgressTracker.Table> tables = IntStream.range(0, TABLES)
                .mapToObj(i -> new CopyProgressTracker.Table("s" + i % 7, "t" + i, 10, 2)).toList();
        List<CopyProgress> reports = new ArrayList<>();
        CopyProgressTracker tracker = new CopyProgressTracker("shop", tables, reports::add);

        tracker.phase(CopyProgress.Phase.DUMP);
        tables.forEach(t -> tracker.line("pg_dump: dumping contents of table \"" + t.qualified() + "\""));
        tracker.line("pg_dump: finished item 17 TABLE DATA t3");
        tracker.programDone();

        assertThat(reports).extracting(CopyProgress::tablesDone)
                .startsWith(0, 1).endsWith(TABLES - 1, TABLES).isSorted().doesNotHaveDuplicates();
        CopyProgress last = reports.get(reports.size() - 1);
        assertThat(last.bytesDone()).isEqualTo(last.bytesTotal()).isEqualTo(10L * TABLES);
        assertThat(last.rowsDone()).isEqualTo(2L * TABLES);
    }
}
