package dev.rehearsal.cli;

import dev.rehearsal.Rehearsal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The running version's queries to plan on the branch before and after the migrations
 * ({@code Rehearsal.Builder.runningQueries} and {@code runningQueriesFrom}).
 */
final class RunningQueryOptions {
    @Option(names = "--running-queries", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "plan the queries the target's pg_stat_statements shows on the branch before and after the "
                    + "migrations (EXPLAIN only, never run): one that no longer plans blocks, one whose plan lost an "
                    + "index warns (default: on; skipped, said so, where the extension is not created)")
    boolean statementStatistics = true;

    @Option(names = "--queries-file", paramLabel = "<file>", description = "check these queries too: SQL "
            + "statements, a PostgreSQL log with statements logged, or pg_stat_statements exported as JSON "
            + "([{\"query\": ..., \"calls\": ...}]); may be repeated")
    List<Path> files = new ArrayList<>();

    /** Gives the builder the sources the options name. */
    void configure(Rehearsal.Builder builder) {
        builder.runningQueries(statementStatistics);
        files.forEach(builder::runningQueriesFrom);
    }
}
