package dev.rehearsal.cli;

import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.CopyProgress;
import dev.rehearsal.internal.Bytes;
import dev.rehearsal.internal.Durations;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of a long branch copy, on standard error. On a terminal, one line rewritten in place ({@code \r})
 * and erased when the copy is done; elsewhere (a CI log), a line at each phase (dump, restore, done) and at most one
 * every {@link #EVERY} in between, so that a log shows the copy moving without filling up. E.g.
 * {@code copy of shop: 42% restoring, 12/30 tables, 120 MB/300 MB, about 1m 20s left}.
 */
final class ProgressLine implements CopyProgress.Listener {
    /** How often a log gets a line within a phase. */
    static final Duration EVERY = Duration.ofSeconds(10);
    /**
     * A system property replacing {@link #EVERY}, e.g. {@code -Drehearsal.cli.progress-every=0s}: for the tests,
     * which copy small databases in well under ten seconds. Not documented for users.
     */
    static final String EVERY_PROPERTY = "rehearsal.cli.progress-every";
    /** A terminal line longer than the terminal wraps, and {@code \r} then rewrites only its last part. */
    private static final int TERMINAL_WIDTH = 79;

    /** No progress shown ({@code --no-progress}). */
    static final ProgressLine NONE = new ProgressLine(new PrintWriter(Writer.nullWriter()), false, EVERY,
            System::nanoTime);

    private final PrintWriter err;
    private final boolean terminal;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private CopyProgress.Phase phase;
    private long printed;
    /** The length of the line now on the terminal; 0 when none is. */
    private int shown;

    ProgressLine(PrintWriter err, boolean terminal, Duration every, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Progress on {@code err}, rewritten in place when the CLI runs on a terminal: {@link System#console()}, there
     * when standard input and output are one (standard error is not asked: Java cannot; a command whose output is
     * redirected gets log lines).
     */
    static ProgressLine on(PrintWriter err) {
        String every = System.getProperty(EVERY_PROPERTY);
        return new ProgressLine(err, System.console() != null, every == null ? EVERY
                : Durations.parse(every, EVERY_PROPERTY), System::nanoTime);
    }

    @Override
    public void progress(CopyProgress progress) {
        if (terminal) {
            if (progress.phase() == CopyProgress.Phase.DONE) {
                end();
                return;
            }
            String text = text(progress);
            text = text.length() > TERMINAL_WIDTH ? text.substring(0, TERMINAL_WIDTH) : text;
            // spaces over what is left of a longer line before it
            err.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
            shown = text.length();
            err.flush();
            return;
        }
        long now = nanoTime.getAsLong();
        if (progress.phase() != phase || now - printed >= everyNanos) {
            phase = progress.phase();
            printed = now;
            err.println(text(progress));
            err.flush();
        }
    }

    /** Erases the line on the terminal, if one is shown: the copy is done, or failed before it was. */
    void end() {
        if (shown > 0) {
            err.print("\r" + " ".repeat(shown) + "\r");
            err.flush();
            shown = 0;
        }
    }

    /** The progress as one line of text. */
    static String text(CopyProgress progress) {
        String tables = progress.tablesTotal() + (progress.tablesTotal() == 1 ? " table" : " tables");
        if (progress.phase() == CopyProgress.Phase.DONE) {
            return "copy of " + progress.database() + ": done in " + Readable.duration(progress.elapsed()) + " ("
                    + tables + ", " + Bytes.human(progress.bytesTotal()) + ")";
        }
        return String.format(Locale.ROOT, "copy of %s: %d%% %s, %d/%s, %s/%s%s", progress.database(),
                progress.percent(), progress.phase() == CopyProgress.Phase.DUMP ? "dumping" : "restoring",
                progress.tablesDone(), tables, Bytes.human(progress.bytesDone()), Bytes.human(progress.bytesTotal()),
                progress.eta() == null ? "" : ", about " + Readable.duration(progress.eta()) + " left");
    }
}
