package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.CopyProgress;
import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.CopyProgress.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static final long MB = 1 << 20;

    private final StringWriter err = new StringWriter();
    private final AtomicLong now = new AtomicLong();

    @Test
    void aLineSaysThePercentThePhaseTheTablesTheBytesAndWhatIsLeft() {
        assertThat(ProgressLine.text(progress(Phase.RESTORE, 12, 180 * MB, Duration.ofSeconds(80))))
                .isEqualTo("copy of shop: 80% restoring, 12/30 tables, 180 MB/300 MB, about 1m 20s left");
        assertThat(ProgressLine.text(progress(Phase.DUMP, 0, 0, null)))
                .isEqualTo("copy of shop: 0% dumping, 0/30 tables, 0 B/300 MB");
        assertThat(ProgressLine.text(progress(Phase.DONE, 30, 300 * MB, Duration.ZERO)))
                .isEqualTo("copy of shop: done in 2m 5s (30 tables, 300 MB)");
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlaceAndErasedWhenTheCopyIsDone() {
        ProgressLine line = new ProgressLine(new PrintWriter(err), true, ProgressLine.EVERY, now::get);

        line.progress(progress(Phase.DUMP, 3, 30 * MB, Duration.ofHours(2).plusMinutes(5)));
        line.progress(progress(Phase.DUMP, 4, 40 * MB, Duration.ofSeconds(9)));
        String shown = err.toString();
        line.progress(progress(Phase.DONE, 30, 300 * MB, Duration.ZERO));

        String first = "copy of shop: 5% dumping, 3/30 tables, 30 MB/300 MB, about 2h 5m left";
        String second = "copy of shop: 6% dumping, 4/30 tables, 40 MB/300 MB, about 9s left";
        // the shorter second line covers what is left of the first with spaces; no line break anywhere
        assertThat(shown).isEqualTo("\r" + first + "\r" + second + " ".repeat(first.length() - second.length()));
        assertThat(err.toString()).isEqualTo(shown + "\r" + " ".repeat(second.length()) + "\r")
                .doesNotContain("\n");
    }

    @Test
    void onATerminalALineLeftByAFailedCopyIsErasedAtTheEnd() {
        ProgressLine line = new ProgressLine(new PrintWriter(err), true, ProgressLine.EVERY, now::get);
        line.progress(progress(Phase.RESTORE, 3, 30 * MB, null));
        int shown = err.toString().length() - 1;

        line.end();
        line.end();

        assertThat(err.toString()).endsWith("\r" + " ".repeat(shown) + "\r").doesNotContain("\n");
    }

    @Test
    void aTerminalLineIsCutToTheTerminalsWidth() {
        ProgressLine line = new ProgressLine(new PrintWriter(err), true, ProgressLine.EVERY, now::get);

        line.progress(new CopyProgress("a_database_with_a_very_long_name_indeed_" + "x".repeat(40), Phase.DUMP, 1,
                30, MB, 300 * MB, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(5)));

        assertThat(err.toString()).hasSize(1 + 79).startsWith("\rcopy of a_database_with");
    }

    @Test
    void inALogALineComesAtEachPhaseAndAtMostEveryPeriodInBetween() {
        ProgressLine line = new ProgressLine(new PrintWriter(err), false, Duration.ofSeconds(10), now::get);

        line.progress(progress(Phase.DUMP, 0, 0, null));
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        line.progress(progress(Phase.DUMP, 1, 10 * MB, Duration.ofSeconds(200)));
        now.addAndGet(Duration.ofSeconds(7).toNanos());
        line.progress(progress(Phase.DUMP, 2, 20 * MB, Duration.ofSeconds(190)));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        line.progress(progress(Phase.DUMP, 3, 30 * MB, Duration.ofSeconds(180)));
        line.progress(progress(Phase.RESTORE, 0, 0, Duration.ofSeconds(100)));
        line.progress(progress(Phase.DONE, 30, 300 * MB, Duration.ZERO));

        assertThat(err.toString().split("\n")).containsExactly(
                "copy of shop: 0% dumping, 0/30 tables, 0 B/300 MB",
                "copy of shop: 3% dumping, 2/30 tables, 20 MB/300 MB, about 3m 10s left",
                "copy of shop: 50% restoring, 0/30 tables, 0 B/300 MB, about 1m 40s left",
                "copy of shop: done in 2m 5s (30 tables, 300 MB)");
        assertThat(err.toString()).doesNotContain("\r");
    }

    @Test
    void noProgressShowsNothing() {
        ProgressLine.NONE.progress(progress(Phase.DUMP, 1, MB, null));
        ProgressLine.NONE.end();

        assertThat(err.toString()).isEmpty();
    }

    /** A copy of 30 tables, 300 MB, 2m 5s in. */
    private static CopyProgress progress(Phase phase, int tablesDone, long bytesDone, Duration eta) {
        return new CopyProgress("shop", phase, tablesDone, 30, bytesDone, 300 * MB, 0, 0, Duration.ofSeconds(125),
                eta);
    }
}
