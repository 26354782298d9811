package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.outcome.Outcome;
import java.nio.file.Path;

/**
 * An outcome as people and tools read it: a one-screen summary for logs and terminals, a JSON document for tools and
 * CI artifacts, GitHub-flavoured Markdown for a pull-request comment, and a self-contained HTML page with the timeline
 * of statements and locks for a reviewer.
 *
 * <pre>{@code
 * System.out.println(Reports.summary(outcome));
 * Reports.writeJson(outcome, Path.of("target/rehearsal/report.json"));
 * Reports.writeMarkdown(outcome, Path.of("target/rehearsal/report.md"));
 * Reports.writeHtml(outcome, Path.of("target/rehearsal/report.html"));
 * }</pre>
 */
public final class Reports {
    /**
     * The JSON report's {@code reportVersion}: bumped when a field changes meaning or disappears; new fields do not
     * bump it.
     */
    public static final int JSON_VERSION = JsonReport.VERSION;

    private Reports() {
    }

    /** The outcome in one screen of plain text, for logs and terminals. */
    public static String summary(Outcome outcome) {
        return ConsoleSummary.render(outcome);
    }

    /**
     * The outcome as pretty-printed JSON: {@code {"reportVersion": 1, "verdict": ..., "migrations": [...], ...}};
     * absent parts (no branch, no failure) are left out rather than written as null.
     */
    public static String json(Outcome outcome) {
        return JsonReport.toJson(outcome);
    }

    /**
     * Writes the JSON report to {@code file}, creating its directories; a reader never sees half a report.
     *
     * @throws dev.rehearsal.api.RehearsalException ({@code CONFIGURATION}) when it cannot be written
     */
    public static void writeJson(Outcome outcome, Path file) {
        JsonReport.write(outcome, file);
    }

    /** Reads a JSON report back (for tools and tests): the JSON tree. */
    public static JsonNode readJson(Path file) {
        return JsonReport.read(file);
    }

    /**
     * The outcome as GitHub-flavoured Markdown for a pull-request comment: the verdict first, then the migrations, the
     * failure, the findings with how to do it safely, and, folded, the schema changes and the slowest statements with
     * their locks; kept under GitHub's comment size limit.
     */
    public static String markdown(Outcome outcome) {
        return MarkdownReport.render(outcome);
    }

    /** Writes the Markdown report to {@code file}, creating its directories; replaced atomically where possible. */
    public static void writeMarkdown(Outcome outcome, Path file) {
        MarkdownReport.write(outcome, file);
    }

    /**
     * The outcome as one self-contained HTML page (inline CSS, SVG and script; nothing fetched from the network): the
     * verdict, the migrations with their files, each finding with its remedy and the comment that acknowledges it,
     * the schema changes, and a timeline of the statements with the locks they held, coloured by what they block.
     */
    public static String html(Outcome outcome) {
        return HtmlReport.render(outcome);
    }

    /** Writes the HTML report to {@code file}, creating its directories; replaced atomically where possible. */
    public static void writeHtml(Outcome outcome, Path file) {
        HtmlReport.write(outcome, file);
    }

    /**
     * Checks, before anything is done, that a report can be written to {@code file}, so that a report that cannot be
     * written is a configuration error instead of a surprise after the target was migrated.
     *
     * @param setting the setting that named the file, in the words of the caller's front end, e.g. {@code --report},
     *                {@code <reportDirectory>} or {@code reportTo(...)}
     * @throws ConfigurationException naming the setting, the file and what stands in the way
     */
    public static void requireWritable(Path file, String setting) {
        ReportFiles.requireWritable(file, setting);
    }
}
