package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.testing.HeadlessChromium;
import dev.rehearsal.testing.Mermaid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reports as their readers see them: the HTML page and the Markdown's Mermaid gantt, in headless Chromium. */
class ReportsInBrowserTest {
    @TempDir
    Path directory;

    @Test
    void theGanttOfTheMarkdownReportIsDrawnByMermaidWithOneBarPerBlockingLock() {
        String markdown = MarkdownReport.render(SampleOutcomes.passedWithLocks());

        Mermaid.Drawing drawing = Mermaid.draw(Mermaid.blocks(markdown), directory);

        assertThat(drawing.result()).isEqualTo("ok");
        assertThat(drawing.page().console()).isEmpty();
        assertThat(drawing.page().count("<rect [^>]*class=\"task[ \"][^>]*")).isEqualTo(2);
        assertThat(drawing.page().dom()).contains("ACCESS EXCLUSIVE by V5__bigint_ids.sql statement 2");
    }

    @Test
    void aDiagramMermaidCannotReadIsCaught() {
        Mermaid.Drawing drawing = Mermaid.draw(List.of("gantt\n    dateFormat x\n    section a:b\n    x :crit, y, z\n"),
                directory);

        assertThat(drawing.result()).startsWith("error");
    }

    @Test
    void everyVerdictsHtmlReportOpensWithoutAConsoleMessageAndDrawsEachStatement() throws Exception {
        for (Outcome outcome : List.of(SampleOutcomes.promoted(), SampleOutcomes.nothingPending(),
                SampleOutcomes.failedAndKept("CREATE UNIQUE INDEX i ON t (e)"), SampleOutcomes.blocked(),
                SampleOutcomes.passedWithLocks(), SampleOutcomes.targetChanged(), SampleOutcomes.promotionFailed(),
                SampleOutcomes.diverged())) {
            Path page = directory.resolve(outcome.verdict() + ".html");
            Files.writeString(page, HtmlReport.render(outcome));

            HeadlessChromium.Page opened = HeadlessChromium.open(page, 2000);

            assertThat(opened.console()).as(outcome.verdict() + ": console").isEmpty();
            assertThat(opened.dom()).as(outcome.verdict() + ": verdict")
                    .contains("<span id=\"verdict\">" + outcome.verdict() + "</span>");
            assertThat(opened.count("<rect class=\"bar ")).as(outcome.verdict() + ": statement bars")
                    .isEqualTo(outcome.statements().size());
        }
    }

    @Test
    void theReportRefusesAnythingFromTheNetworkAndTheRefusalIsSeen() throws Exception {
        String html = HtmlReport.render(SampleOutcomes.blocked());
        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
        Path page = directory.resolve("network.html");
        Files.writeString(page, html.replace("</head>", "<script src=\"https://cdn.example.com/x.js\"></script>"
                + "<img src=\"http://example.com/x.png\"></head>"));

        assertThat(HeadlessChromium.open(page, 2000).console()).isNotEmpty()
                .allSatisfy(message -> assertThat(message).contains("Content Security Policy"));
    }
}
