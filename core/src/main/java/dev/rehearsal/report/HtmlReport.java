package dev.rehearsal.report;

import dev.rehearsal.outcome.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The outcome as one self-contained HTML page. */
final class HtmlReport {
    private HtmlReport() {
    }

    static String render(Outcome outcome) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Rehearsal: " + outcome.verdict()
                + "</title></head><body><h1>" + outcome.verdict() + "</h1></body></html>\n";
    }

    static void write(Outcome outcome, Path file) {
        try {
            ReportFiles.write(file, render(outcome));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the HTML report to " + file + ": " + e.getMessage(), e);
        }
    }
}
