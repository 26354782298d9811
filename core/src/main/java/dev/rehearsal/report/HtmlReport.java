package dev.rehearsal.report;

import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.check.Finding;
import dev.rehearsal.internal.Bytes;
import dev.rehearsal.internal.OneLine;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Outcome.BranchSummary;
import dev.rehearsal.outcome.Outcome.MigrationFailure;
import dev.rehearsal.outcome.Outcome.MigrationStatus;
import dev.rehearsal.outcome.Outcome.MigrationStatus.Risk;
import dev.rehearsal.trace.StatementTrace;
import dev.rehearsal.trace.StatementTrace.LockTrace;
import dev.rehearsal.trace.StatementTrace.RelationRewrite;
import dev.rehearsal.trace.StatementTrace.TableScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome as one self-contained HTML page for people: nothing is fetched (inline CSS, SVG and a few lines of
 * script that only copy text), so it opens the same from a CI artifact, a mail or a laptop offline. The timeline is
 * drawn on the server side as SVG: one bar per traced statement, under it a bar per lock it held on a table that
 * existed before the migrations, red when it blocks reads and writes, orange when it blocks writes, grey when it
 * blocks neither.
 */
final class HtmlReport {
    /** Beyond this many statements (a seed, a backfill in thousands) the timeline shows the first ones. */
    static final int MAX_TIMELINE_ROWS = 2000;
    private static final int MAX_SQL = 90;
    private static final int LABEL_WIDTH = 430;
    private static final int CHART_WIDTH = 700;
    private static final int WIDTH = LABEL_WIDTH + CHART_WIDTH + 30;
    private static final int ROW_HEIGHT = 28;
    private static final int LOCK_HEIGHT = 12;
    /** What fits in the label column at 11 px monospace. */
    private static final int LABEL_CHARACTERS = 62;

    private HtmlReport() {
    }

    static String render(Outcome outcome) {
        Map<String, String> names = Wording.migrationNames(outcome);
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>Rehearsal: ").append(outcome.verdict()).append(" — ").append(esc(outcome.target()))
                .append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        header(html, outcome);
        failure(html, outcome.failure(), names);
        findings(html, outcome, names);
        migrations(html, outcome);
        timeline(html, outcome);
        schemaChanges(html, outcome.schemaChanges());
        html.append("<footer>").append(esc(Wording.closing(outcome))).append("</footer>\n</main>\n<script>")
                .append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    static void write(Outcome outcome, Path file) {
        try {
            ReportFiles.write(file, render(outcome));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the HTML report to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void header(StringBuilder html, Outcome outcome) {
        String tone = outcome.verdict().isSuccess() ? "good" : "bad";
        html.append("<header class=\"verdict ").append(tone).append("\">\n<h1>Rehearsal: <span id=\"verdict\">")
                .append(outcome.verdict()).append("</span></h1>\n<p class=\"headline\">")
                .append(Wording.headline(outcome, words -> "<strong>" + words + "</strong>"))
                .append("</p>\n</header>\n<dl class=\"facts\">\n");
        fact(html, "Target", "<code>" + esc(outcome.target()) + "</code>");
        fact(html, "Migration tool", esc(outcome.engine()));
        fact(html, "Started", esc(Wording.time(outcome.startedAt())));
        BranchSummary branch = outcome.branch();
        if (branch != null) {
            fact(html, "Branch", "<code>" + esc(branch.name()) + "</code> (" + esc(branch.copyMethod()) + ", made in "
                    + branch.creationMillis() + " ms, " + (branch.kept() ? "<strong>kept</strong> until "
                    + esc(Wording.time(branch.expiresAt())) + ": <code>" + esc(branch.url()) + "</code>"
                    : "dropped") + ")");
        }
        if (outcome.promotion() != null) {
            fact(html, "Promotion", esc(ConsoleSummary.promotionLine(outcome.promotion())));
            if (!outcome.promotion().differences().isEmpty()) {
                fact(html, "Differences", list(outcome.promotion().differences()));
            }
        }
        if (!outcome.orphansDropped().isEmpty()) {
            fact(html, "Orphans", "dropped " + outcome.orphansDropped().size() + " branch(es) left by earlier runs");
        }
        Outcome.Timings timings = outcome.timings();
        fact(html, "Took", esc(String.format(Locale.ROOT, "%d ms (branch %d, catalog %d, migrate %d, checks %d, "
                        + "discard %d, promote %d)", timings.totalMillis(), timings.branchMillis(),
                timings.catalogMillis(), timings.migrateMillis(), timings.checkMillis(), timings.discardMillis(),
                timings.promoteMillis())));
        html.append("</dl>\n");
    }

    private static void fact(StringBuilder html, String term, String definition) {
        html.append("<dt>").append(term).append("</dt><dd>").append(definition).append("</dd>\n");
    }

    private static void failure(StringBuilder html, MigrationFailure failure, Map<String, String> names) {
        if (failure == null) {
            return;
        }
        html.append("<section id=\"failure\">\n<h2>Failure on the ").append(esc(failure.database()))
                .append("</h2>\n<p>");
        if (failure.migration() != null) {
            html.append("<code>").append(esc(names.getOrDefault(failure.migration(), failure.migration())))
                    .append("</code>: ");
        }
        html.append(esc(failure.message()));
        if (failure.sqlState() != null) {
            html.append(" <span class=\"muted\">[SQLSTATE ").append(esc(failure.sqlState())).append("]</span>");
        }
        html.append("</p>\n");
        if (failure.detail() != null) {
            html.append("<p>").append(esc(failure.detail())).append("</p>\n");
        }
        if (failure.statement() != null) {
            html.append("<pre><code>").append(esc(OneLine.withoutLeadingComments(failure.statement())))
                    .append("</code></pre>\n");
            if (failure.line() != null) {
                html.append("<p class=\"muted\">at line ").append(failure.line()).append(" of its script</p>\n");
            }
        }
        if (failure.hint() != null) {
            html.append("<p>Hint: ").append(esc(failure.hint())).append("</p>\n");
        }
        html.append("</section>\n");
    }

    private static void findings(StringBuilder html, Outcome outcome, Map<String, String> names) {
        if (outcome.findings().isEmpty()) {
            return;
        }
        html.append("<section id=\"findings\">\n<h2>Findings</h2>\n<table>\n<thead><tr><th></th><th>Kind</th>"
                + "<th>Migration</th><th>Finding</th><th>Do it safely</th></tr></thead>\n<tbody>\n");
        for (Finding finding : Wording.findingsInOrder(outcome)) {
            String severity = finding.acknowledgement() != null ? "acknowledged"
                    : finding.severity().name().toLowerCase(Locale.ROOT);
            html.append("<tr class=\"finding ").append(severity).append("\"><td><span class=\"severity\">")
                    .append(severity).append("</span></td><td><code>").append(esc(finding.kind()))
                    .append("</code></td><td>").append(finding.migration() == null ? ""
                            : "<code>" + esc(names.getOrDefault(finding.migration(), finding.migration())) + "</code>")
                    .append("</td><td>").append(esc(finding.message()));
            if (finding.statement() != null) {
                html.append("<br><code class=\"sql\">").append(esc(abbreviate(finding.statement()))).append("</code>");
            }
            html.append("</td><td>");
            if (finding.remedy() != null) {
                html.append(esc(finding.remedy()));
            }
            if (finding.acknowledgement() != null) {
                html.append("<p class=\"ack\">Acknowledged in the migration: ").append(esc(finding.acknowledgement()))
                        .append("</p>");
            } else if (finding.allowComment() != null) {
                html.append("<p class=\"ack\">Or accept it: write in the migration<br>").append(copyable(
                        finding.allowComment())).append("</p>");
            }
            html.append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static void migrations(StringBuilder html, Outcome outcome) {
        if (outcome.migrations().isEmpty()) {
            html.append("<section id=\"migrations\">\n<h2>Migrations</h2>\n<p>None was pending.</p>\n</section>\n");
            return;
        }
        html.append("<section id=\"migrations\">\n<h2>Migrations</h2>\n<table>\n<thead><tr><th>Migration</th>"
                + "<th>Description</th><th>Branch</th><th>Target</th></tr></thead>\n<tbody>\n");
        for (MigrationStatus migration : outcome.migrations()) {
            html.append("<tr><td><code>").append(esc(migration.name())).append("</code></td><td>")
                    .append(esc(migration.description() == null ? "" : migration.description())).append("</td>")
                    .append(state(migration.branch())).append(state(migration.target())).append("</tr>\n");
            if (!migration.risks().isEmpty()) {
                html.append("<tr class=\"risks\"><td colspan=\"4\"><p>Not rehearsed; its text shows:</p><ul>");
                for (Risk risk : migration.risks()) {
                    html.append("<li><code>").append(esc(risk.kind())).append("</code> ").append(esc(risk.message()));
                    if (risk.statement() != null) {
                        html.append("<br><code class=\"sql\">").append(esc(abbreviate(risk.statement())))
                                .append("</code>");
                    }
                    if (risk.remedy() != null) {
                        html.append("<br><span class=\"muted\">Do it safely: ").append(esc(risk.remedy()))
                                .append("</span>");
                    }
                    html.append("</li>");
                }
                html.append("</ul></td></tr>\n");
            }
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static String state(MigrationStatus.State state) {
        return switch (state) {
            case APPLIED -> "<td class=\"state applied\">applied</td>";
            case FAILED -> "<td class=\"state failed\">failed</td>";
            case NOT_RUN -> "<td class=\"state not-run\">not run</td>";
        };
    }

    /**
     * The timeline: statements as rows, time across. A row is the statement's bar, then a thinner bar per lock it took
     * on a pre-existing table, for as long as its transaction held it.
     */
    private static void timeline(StringBuilder html, Outcome outcome) {
        Timeline timeline = Timeline.of(outcome, MAX_TIMELINE_ROWS);
        if (timeline.rows().isEmpty()) {
            return;
        }
        html.append("<section id=\"timeline\">\n<h2>Timeline</h2>\n<p class=\"legend\">")
                .append("<span class=\"key stmt\"></span>statement ")
                .append("<span class=\"key lock-rw\"></span>lock that blocks reads and writes ")
                .append("<span class=\"key lock-w\"></span>lock that blocks writes ")
                .append("<span class=\"key lock-none\"></span>lock that blocks neither ")
                .append("<span class=\"muted\">(locks on tables that existed before the migrations, held until their "
                        + "transaction ended; hover a bar for details)</span></p>\n");
        if (outcome.statements().size() > timeline.rows().size()) {
            html.append("<p class=\"muted\">The first ").append(timeline.rows().size()).append(" of ")
                    .append(outcome.statements().size()).append(" statements.</p>\n");
        }
        double span = Math.max(timeline.endMillis(), 1);
        double scale = CHART_WIDTH / span;
        List<String> rows = new ArrayList<>();
        int y = 30;
        List<Timeline.Row> tool = new ArrayList<>();
        for (Timeline.Row row : timeline.rows()) {
            if (row.name() == null && !row.statement().failed()) {
                tool.add(row);
                continue;
            }
            if (!tool.isEmpty()) {
                rows.add(toolRow(tool, y, scale));
                y += ROW_HEIGHT + 8;
                tool.clear();
            }
            rows.add(row(row, y, scale));
            y += ROW_HEIGHT + LOCK_HEIGHT * row.locks().size() + 8;
        }
        if (!tool.isEmpty()) {
            rows.add(toolRow(tool, y, scale));
            y += ROW_HEIGHT + 8;
        }
        int height = y + 6;
        html.append("<svg id=\"timeline-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"Timeline of ").append(timeline.rows().size())
                .append(" statements\">\n");
        axis(html, span, scale, height);
        rows.forEach(html::append);
        html.append("</svg>\n</section>\n");
    }

    private static void axis(StringBuilder svg, double span, double scale, int height) {
        double step = niceStep(span / 6);
        for (double tick = 0; tick <= span + step / 2; tick += step) {
            double x = LABEL_WIDTH + tick * scale;
            svg.append("<line class=\"grid\" x1=\"").append(fmt(x)).append("\" y1=\"18\" x2=\"").append(fmt(x))
                    .append("\" y2=\"").append(height).append("\"/>")
                    .append("<text class=\"tick\" x=\"").append(fmt(x)).append("\" y=\"12\">")
                    .append(esc(Wording.millis(tick))).append("</text>\n");
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    private static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(rough, 0.001))));
        for (double multiple : new double[] {1, 2, 5, 10}) {
            if (multiple * power >= rough) {
                return multiple * power;
            }
        }
        return 10 * power;
    }

    private static String row(Timeline.Row row, int y, double scale) {
        StatementTrace statement = row.statement();
        StringBuilder svg = new StringBuilder();
        String kind = statement.failed() ? "failed" : row.name() == null ? "bookkeeping" : "migration";
        svg.append("<g class=\"row ").append(kind).append("\" data-seq=\"").append(statement.sequence())
                .append("\">\n<text class=\"label\" x=\"0\" y=\"").append(y + 10).append("\">")
                .append(esc(OneLine.abbreviate("#" + statement.sequence() + " "
                        + (row.name() == null ? "(migration tool)" : row.name()) + " · "
                        + OneLine.withoutLeadingComments(statement.sql() == null ? "" : statement.sql()),
                        LABEL_CHARACTERS)))
                .append("</text>\n<text class=\"detail\" x=\"0\" y=\"").append(y + 23).append("\">")
                .append(esc(OneLine.abbreviate(details(row), LABEL_CHARACTERS))).append("</text>\n");
        double x = LABEL_WIDTH + row.startMillis() * scale;
        bar(svg, row, kind, y, scale);
        int lockY = y + ROW_HEIGHT;
        for (LockTrace lock : row.locks()) {
            String blocks = lock.blocksReads() ? "lock-rw" : lock.blocksWrites() ? "lock-w" : "lock-none";
            String what = lock.mode().sqlName() + " on " + lock.relation() + " · " + Wording.millis(lock.heldMillis());
            svg.append("<text class=\"lock-label ").append(blocks).append("\" x=\"12\" y=\"").append(lockY + 8)
                    .append("\">").append(esc(OneLine.abbreviate(what, LABEL_CHARACTERS - 2)))
                    .append("</text><rect class=\"lock ").append(blocks).append("\" x=\"").append(fmt(x))
                    .append("\" y=\"").append(lockY + 2).append("\" width=\"")
                    .append(fmt(Math.max(2, lock.heldMillis() * scale))).append("\" height=\"7\"><title>")
                    .append(esc(what + (lock.blocksReads() ? ": blocks reads and writes" : lock.blocksWrites()
                            ? ": blocks writes" : ": blocks neither reads nor writes")))
                    .append("</title></rect>\n");
            lockY += LOCK_HEIGHT;
        }
        svg.append("</g>\n");
        return svg.toString();
    }

    /**
     * Consecutive statements the migration tool sent for its own bookkeeping (its history table, its lock, the
     * server's settings) on one row: each still its own bar, but they do not push the migrations' statements apart.
     */
    private static String toolRow(List<Timeline.Row> statements, int y, double scale) {
        StringBuilder svg = new StringBuilder();
        double total = statements.stream().mapToDouble(Timeline.Row::durationMillis).sum();
        svg.append("<g class=\"row bookkeeping\">\n<text class=\"label\" x=\"0\" y=\"").append(y + 10)
                .append("\">").append(esc("#" + statements.get(0).statement().sequence()
                        + (statements.size() == 1 ? "" : "–#" + statements.get(statements.size() - 1).statement()
                        .sequence()) + " (migration tool) · " + statements.size() + " statement(s) of its own"))
                .append("</text>\n<text class=\"detail\" x=\"0\" y=\"").append(y + 23).append("\">")
                .append(esc(Wording.millis(total) + " in all; hover a bar for each")).append("</text>\n");
        for (Timeline.Row row : statements) {
            bar(svg, row, "bookkeeping", y, scale);
        }
        return svg.append("</g>\n").toString();
    }

    /** A statement's bar: from when it was sent, as long as it ran (2 px at least), its details as its tooltip. */
    private static void bar(StringBuilder svg, Timeline.Row row, String kind, int y, double scale) {
        svg.append("<rect class=\"bar ").append(kind).append("\" x=\"")
                .append(fmt(LABEL_WIDTH + row.startMillis() * scale)).append("\" y=\"").append(y + 1)
                .append("\" width=\"").append(fmt(Math.max(2, row.durationMillis() * scale)))
                .append("\" height=\"12\" rx=\"2\"><title>").append(esc(title(row))).append("</title></rect>\n");
    }

    /** Duration, scans, rewrites and rows, on one line under the statement (its locks have lines of their own). */
    private static String details(Timeline.Row row) {
        StatementTrace statement = row.statement();
        List<String> parts = new ArrayList<>();
        parts.add(Wording.millis(row.durationMillis()));
        for (RelationRewrite rewrite : statement.rewrites()) {
            parts.add("rewrote " + rewrite.kind() + " " + rewrite.relation() + " (" + Bytes.human(rewrite.sizeBytes())
                    + ")");
        }
        for (TableScan scan : statement.scans()) {
            parts.add("scanned " + Wording.count(scan.rows()) + " rows of " + scan.relation());
        }
        if (statement.rowsAffected() != null && statement.rowsAffected() > 0) {
            parts.add(Wording.count(statement.rowsAffected()) + " rows changed");
        }
        if (!statement.inTransaction()) {
            parts.add("outside a transaction");
        }
        if (statement.failed()) {
            parts.add("FAILED" + (statement.sqlState() == null ? "" : " [" + statement.sqlState() + "]"));
        }
        return String.join(" · ", parts);
    }

    private static String title(Timeline.Row row) {
        StatementTrace statement = row.statement();
        StringBuilder locks = new StringBuilder();
        row.locks().forEach(lock -> locks.append('\n').append(lock.mode().sqlName()).append(" on ")
                .append(lock.relation()).append(", held ").append(Wording.millis(lock.heldMillis())));
        return "#" + statement.sequence() + " " + (row.name() == null ? "(migration tool)" : row.name()) + "\n"
                + details(row) + locks + "\n" + OneLine.abbreviate(statement.sql(), 500)
                + (statement.error() == null ? "" : "\n" + statement.error());
    }

    private static void schemaChanges(StringBuilder html, List<SchemaChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        html.append("<section id=\"schema\">\n<h2>Schema changes</h2>\n<details")
                .append(changes.size() <= 30 ? " open" : "").append("><summary>").append(changes.size())
                .append(" change(s) the migrations made on the branch</summary>\n<ul>\n");
        for (SchemaChange change : changes) {
            html.append("<li class=\"change ").append(change.kind().name().toLowerCase(Locale.ROOT)).append("\">")
                    .append(esc(change.describe())).append("</li>\n");
        }
        html.append("</ul>\n</details>\n</section>\n");
    }

    private static String copyable(String text) {
        return "<code class=\"copy\">" + esc(text) + "</code><button type=\"button\" class=\"copy\" title=\"Copy\">"
                + "copy</button>";
    }

    private static String list(List<String> items) {
        StringBuilder list = new StringBuilder("<ul>");
        items.forEach(item -> list.append("<li>").append(esc(item)).append("</li>"));
        return list.append("</ul>").toString();
    }

    private static String abbreviate(String sql) {
        return OneLine.abbreviate(OneLine.withoutLeadingComments(sql), MAX_SQL);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Text safe in HTML content and in quoted attribute values. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static final String STYLE = """
            :root { --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --soft: #f6f8fa;
              --good: #1a7f37; --bad: #cf222e; --stmt: #0969da; --rw: #cf222e; --w: #e16f24; --none: #8c959f; }
            @media (prefers-color-scheme: dark) {
              :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --soft: #151b23;
                --stmt: #4493f8; } }
            * { box-sizing: border-box; }
            body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
              color: var(--fg); background: var(--bg); }
            main { max-width: 1200px; margin: 0 auto; padding: 24px; }
            h1 { margin: 0 0 6px; font-size: 24px; } h2 { font-size: 18px; margin: 28px 0 8px; }
            .verdict { border-left: 6px solid var(--good); padding: 10px 16px; background: var(--soft); }
            .verdict.bad { border-color: var(--bad); } .verdict.bad #verdict { color: var(--bad); }
            .verdict.good #verdict { color: var(--good); } .headline { margin: 0; }
            .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 16px 0; }
            .facts dt { color: var(--muted); } .facts dd { margin: 0; } .facts ul { margin: 0; padding-left: 18px; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
            th { background: var(--soft); }
            code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            code.sql { color: var(--muted); } pre { background: var(--soft); padding: 10px; overflow-x: auto; }
            .muted, .ack { color: var(--muted); } .ack { margin: 6px 0 0; }
            .severity { font-weight: 600; text-transform: uppercase; font-size: 11px; }
            .finding.blocking .severity, .state.failed { color: var(--bad); }
            .finding.warning .severity { color: var(--w); } .state.applied { color: var(--good); }
            .finding.acknowledged .severity, .finding.info .severity, .state.not-run { color: var(--muted); }
            .risks td { background: var(--soft); } .risks p { margin: 0; } .risks ul { margin: 4px 0; }
            button.copy { margin-left: 6px; font-size: 11px; cursor: pointer; }
            .legend .key { display: inline-block; width: 14px; height: 8px; margin: 0 4px 0 12px; }
            .key.stmt { background: var(--stmt); } .key.lock-rw { background: var(--rw); }
            .key.lock-w { background: var(--w); } .key.lock-none { background: var(--none); }
            #timeline { overflow-x: auto; } svg { font: 11px ui-monospace, Menlo, Consolas, monospace; }
            svg .grid { stroke: var(--line); } svg .tick { fill: var(--muted); text-anchor: middle; }
            svg .label { fill: var(--fg); } svg .detail { fill: var(--muted); }
            svg .bar.migration { fill: var(--stmt); } svg .bar.bookkeeping { fill: var(--none); opacity: .5; }
            svg .bar.failed { fill: var(--bad); } svg .row.bookkeeping text { opacity: .6; }
            svg text.lock-label { fill: var(--muted); }
            svg .lock-rw { fill: var(--rw); } svg .lock-w { fill: var(--w); } svg .lock-none { fill: var(--none); }
            svg .row:hover .label { font-weight: bold; }
            .change.added::marker { content: "+ "; color: var(--good); }
            .change.removed::marker { content: "− "; color: var(--bad); }
            footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
            """;

    /** Copies an acknowledgement line; where the clipboard is not offered (a file opened locally), selects it. */
    private static final String SCRIPT = """
            document.querySelectorAll('button.copy').forEach(function (button) {
              button.addEventListener('click', function () {
                var code = button.previousElementSibling;
                var text = code.textContent;
                var selectIt = function () {
                  var range = document.createRange();
                  range.selectNodeContents(code);
                  var selection = window.getSelection();
                  selection.removeAllRanges();
                  selection.addRange(range);
                };
                if (navigator.clipboard && window.isSecureContext) {
                  navigator.clipboard.writeText(text).then(function () { button.textContent = 'copied'; }, selectIt);
                } else {
                  selectIt();
                }
              });
            });
            """;
}
