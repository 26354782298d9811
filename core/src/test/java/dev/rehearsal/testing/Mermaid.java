package dev.rehearsal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws Mermaid diagrams as GitHub does, with the {@code mermaid} npm package (downloaded by core's build into
 * {@code target/mermaid}) in {@link HeadlessChromium}: what a pull-request reader would see, or the error GitHub would
 * show instead.
 */
public final class Mermaid {
    private static final Pattern BLOCK = Pattern.compile("```mermaid\\n(.*?)```", Pattern.DOTALL);

    /**
     * What drawing came to.
     *
     * @param result {@code ok}, or the first error Mermaid gave
     * @param page   the page, whose DOM holds the drawn SVGs
     */
    public record Drawing(String result, HeadlessChromium.Page page) {
    }

    private Mermaid() {
    }

    /** The {@code ```mermaid} blocks of a Markdown text. */
    public static List<String> blocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(markdown);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    /** Parses and draws each diagram on one page, in a scratch directory under {@code directory}. */
    public static Drawing draw(List<String> diagrams, Path directory) {
        Path script = library();
        try {
            Path page = directory.resolve("mermaid.html");
            Files.copy(script, directory.resolve("mermaid.min.js"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                    + "<script src=\"mermaid.min.js\"></script></head><body>\n");
            for (String diagram : diagrams) {
                html.append("<pre class=\"source\">").append(escape(diagram)).append("</pre>\n");
            }
            html.append("<div id=\"drawn\"></div><script>\n"
                    + "mermaid.initialize({ startOnLoad: false });\n"
                    + "var sources = Array.prototype.slice.call(document.querySelectorAll('pre.source'));\n"
                    + "sources.reduce(function (done, source, i) {\n"
                    + "  return done.then(function () {\n"
                    + "    return mermaid.parse(source.textContent).then(function () {\n"
                    + "      return mermaid.render('diagram' + i, source.textContent);\n"
                    + "    }).then(function (drawn) {\n"
                    + "      document.getElementById('drawn').insertAdjacentHTML('beforeend', drawn.svg);\n"
                    + "    });\n"
                    + "  });\n"
                    + "}, Promise.resolve()).then(function () {\n"
                    + "  document.body.setAttribute('data-result', 'ok');\n"
                    + "}, function (error) {\n"
                    + "  document.body.setAttribute('data-result', 'error: ' + (error && error.message || error));\n"
                    + "});\n</script></body></html>\n");
            Files.writeString(page, html);
            HeadlessChromium.Page opened = HeadlessChromium.open(page, 20_000);
            Matcher result = Pattern.compile("<body data-result=\"([^\"]*)\"").matcher(opened.dom());
            return new Drawing(result.find() ? result.group(1).replace("&quot;", "\"")
                    : "no result: Mermaid did not finish", opened);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path library() {
        Path script = Path.of(System.getProperty("rehearsal.test.mermaid",
                "target/mermaid/package/dist/mermaid.min.js"));
        if (!Files.isRegularFile(script)) {
            throw new AssertionError("Mermaid is not at " + script.toAbsolutePath() + ": core's build downloads it "
                    + "(generate-test-resources); run the tests through Maven");
        }
        return script.toAbsolutePath();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
