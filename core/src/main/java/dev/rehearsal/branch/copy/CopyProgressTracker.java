package dev.rehearsal.branch.copy;

import dev.rehearsal.branch.copy.SnapshotCopyBranchProvider.CopyProgress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code --verbose} lines of pg_dump and pg_restore into {@link CopyProgress}: a table's data is done when
 * the program says it finished the item ({@code -j}) or, run serially, when it starts the next one.
 */
final class CopyProgressTracker {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCopyBranchProvider.class);
    private static final Duration LOG_EVERY = Duration.ofSeconds(5);
    /** pg_dump: {@code dumping contents of table "public.accounts"}; pg_restore: {@code processing data for ...}. */
    private static final Pattern STARTED =
            Pattern.compile("^pg_(?:dump|restore): (?:dumping contents of|processing data for) table \"(.+)\"$");
    /** Both with {@code -j}: {@code finished item 3266 TABLE DATA accounts} (the table's name without its schema). */
    private static final Pattern FINISHED = Pattern.compile("^pg_(?:dump|restore): finished item \\d+ TABLE DATA (.+)$");

    /** A table to copy, with its size and estimated rows from the source's catalog. */
    record Table(String schema, String name, long bytes, long rows) {
        String qualified() {
            return schema + "." + name;
        }
    }

    private final String database;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final long bytesTotal;
    private final long rowsTotal;
    private final CopyProgress.Listener listener;
    private final long start = System.nanoTime();
    // sets, not lists: a program run serially starts every table and finishes none by name, and programDone() then
    // marks them all done — with lists, in time quadratic in the number of tables
    private final Set<String> started = new LinkedHashSet<>();
    private final Set<String> done = new HashSet<>();
    private CopyProgress.Phase phase = CopyProgress.Phase.DUMP;
    private long bytesDone;
    private long rowsDone;
    private long lastLog;

    CopyProgressTracker(String database, List<Table> tables, CopyProgress.Listener listener) {
        this.database = database;
        tables.forEach(table -> this.tables.put(table.qualified(), table));
        this.bytesTotal = tables.stream().mapToLong(Table::bytes).sum();
        this.rowsTotal = tables.stream().mapToLong(Table::rows).sum();
        this.listener = listener;
    }

    /** Starts {@code next}: its progress counts from zero. */
    void phase(CopyProgress.Phase next) {
        phase = next;
        started.clear();
        done.clear();
        bytesDone = 0;
        rowsDone = 0;
        CopyProgress progress = report();
        LOG.info("Copy of {}: {} ({} tables, {}, ~{} rows){}", database, describe(next), tables.size(),
                bytes(bytesTotal), rowsTotal, progress.eta() == null ? "" : ", about " + text(progress.eta())
                        + " left");
        lastLog = System.nanoTime();
    }

    /** A line the running program wrote. */
    void line(String line) {
        Matcher finished = FINISHED.matcher(line);
        if (finished.matches()) {
            // -j names the table without its schema: the first started table of that name is the one.
            started.stream().filter(key -> tables.get(key).name().equals(finished.group(1))).findFirst()
                    .ifPresent(this::done);
            return;
        }
        Matcher startedTable = STARTED.matcher(line);
        if (startedTable.matches() && tables.containsKey(startedTable.group(1))) {
            started.add(startedTable.group(1));
        }
    }

    /** The running program ended well: all its tables are done. */
    void programDone() {
        tables.keySet().stream().filter(key -> !done.contains(key)).toList().forEach(this::done);
    }

    private void done(String key) {
        started.remove(key);
        if (!done.add(key)) {
            return;
        }
        Table table = tables.get(key);
        bytesDone += table.bytes();
        rowsDone += table.rows();
        CopyProgress progress = report();
        if (System.nanoTime() - lastLog > LOG_EVERY.toNanos()) {
            lastLog = System.nanoTime();
            LOG.info("Copy of {}: {} {}%, {} of {} tables, {} of {}{}", database, describe(phase),
                    progress.percent(), done.size(), tables.size(), bytes(bytesDone), bytes(bytesTotal),
                    progress.eta() == null ? "" : ", about " + text(progress.eta()) + " left");
        } else {
            LOG.debug("Copy of {}: {} table {} done", database, describe(phase), key);
        }
    }

    /** The copy is complete. */
    void complete() {
        phase = CopyProgress.Phase.DONE;
        bytesDone = bytesTotal;
        rowsDone = rowsTotal;
        CopyProgress progress = report();
        LOG.info("Copy of {}: done in {} ({} tables, {})", database, text(progress.elapsed()), tables.size(),
                bytes(bytesTotal));
    }

    private CopyProgress report() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        CopyProgress progress = new CopyProgress(database, phase, phase == CopyProgress.Phase.DONE ? tables.size()
                : done.size(), tables.size(), bytesDone, bytesTotal, rowsDone, rowsTotal, elapsed, null);
        int percent = progress.percent();
        Duration eta = phase == CopyProgress.Phase.DONE ? Duration.ZERO : percent <= 0 ? null
                : elapsed.multipliedBy(100 - percent).dividedBy(percent);
        progress = new CopyProgress(database, phase, progress.tablesDone(), progress.tablesTotal(), bytesDone,
                bytesTotal, rowsDone, rowsTotal, elapsed, eta);
        try {
            listener.progress(progress);
        } catch (RuntimeException e) {
            LOG.warn("The copy progress listener failed (the copy goes on): {}", Objects.toString(e.getMessage(),
                    e.getClass().getName()));
        }
        return progress;
    }

    private static String describe(CopyProgress.Phase phase) {
        return switch (phase) {
            case DUMP -> "dumping one snapshot";
            case RESTORE -> "restoring";
            case DONE -> "done";
        };
    }

    static String bytes(long bytes) {
        if (bytes < 1024 * 1024) {
            return bytes / 1024 + " kB";
        }
        return bytes < 1024L * 1024 * 1024 ? bytes / (1024 * 1024) + " MB"
                : String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
    }

    private static String text(Duration duration) {
        return duration.toSeconds() < 1 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }
}
