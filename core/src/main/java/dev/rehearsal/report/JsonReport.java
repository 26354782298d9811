package dev.rehearsal.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.outcome.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The outcome as a JSON document: {@code {"reportVersion": 1, "verdict": ..., "migrations": [...], ...}}.
 * Absent parts (no branch, no failure) are left out rather than written as null.
 */
final class JsonReport {
    /** Bumped when a field changes meaning or disappears; new fields do not bump it. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                    JsonInclude.Include.NON_NULL));

    private JsonReport() {
    }

    /** The outcome as pretty-printed JSON. */
    public static String toJson(Outcome outcome) {
        ObjectNode root = JSON.createObjectNode().put("reportVersion", VERSION);
        root.setAll((ObjectNode) JSON.valueToTree(outcome));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the report as JSON", e);
        }
    }

    /**
     * Writes the report to {@code file}, creating its directories. The file is replaced atomically where the file
     * system allows, so a reader never sees half a report.
     */
    public static void write(Outcome outcome, Path file) {
        try {
            ReportFiles.write(file, toJson(outcome));
        } catch (IOException e) {
            throw new RehearsalException(ErrorCode.CONFIGURATION, "Cannot write the report to " + file + ": "
                    + e.getMessage() + ". Choose a writable location with " + Setting.REPORT.spelled(),
                    new UncheckedIOException(e));
        }
    }

    /** Reads a report back (for tools and tests): the JSON tree. */
    public static com.fasterxml.jackson.databind.JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read report " + file, e);
        }
    }
}
