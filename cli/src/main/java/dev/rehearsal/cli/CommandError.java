package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;

/**
 * A command that ended without a verdict, as the CLI reports it: {@code rehearsal: <message>} on standard error
 * always, and on standard output in the format asked for, so that a CI step reading {@code --format json} gets JSON
 * whatever happened:
 *
 * <pre>{@code
 * {
 *   "error" : {
 *     "code" : "CONFIGURATION",
 *     "exitCode" : 64,
 *     "message" : "Give the migrations: --locations (Flyway), e.g. ..."
 *   }
 * }
 * }</pre>
 *
 * @param code     the {@link ErrorCode}'s name, or {@value #INTERNAL} for an unexpected failure (a bug)
 * @param exitCode the process's exit code
 * @param message  what happened and what to do, credentials removed
 */
record CommandError(String code, int exitCode, String message) {
    /** The code of a failure that is no {@link RehearsalException}: a bug. */
    static final String INTERNAL = "INTERNAL";
    /** The exit code of such a failure: EX_SOFTWARE of sysexits.h. */
    static final int INTERNAL_EXIT_CODE = 70;

    CommandError {
        message = DatabaseLocation.redact(message);
    }

    /** A usage or configuration error. */
    static CommandError configuration(String message) {
        return new CommandError(ErrorCode.CONFIGURATION.name(), ErrorCode.CONFIGURATION.exitCode(), message);
    }

    /** What {@code failure} says: its code, or {@value #INTERNAL} with the exception's type for anything else. */
    static CommandError of(Throwable failure) {
        if (failure instanceof RehearsalException known) {
            return new CommandError(known.code().name(), known.code().exitCode(), String.valueOf(known.getMessage()));
        }
        return new CommandError(INTERNAL, INTERNAL_EXIT_CODE, "unexpected error (a bug: please report it with the "
                + "command line, passwords left out): " + failure);
    }

    /** The error in the output format asked for; empty for text, whose error goes to standard error only. */
    String render(Main.Format format) {
        return switch (format) {
            case text -> "";
            case json -> json();
            case markdown -> markdown();
        };
    }

    String json() {
        ObjectNode root = Json.object();
        root.putObject("error").put("code", code).put("exitCode", exitCode).put("message", message);
        return Json.text(root);
    }

    /** A short block for a pull-request comment, headed like the Markdown report. */
    String markdown() {
        return "## ❌ Rehearsal: **" + code + "** (exit " + exitCode + ")\n\n> "
                + message.replaceAll("([\\\\`*_\\[\\]<>|#])", "\\\\$1").replaceAll("\\r?\\n", "\n> ") + "\n";
    }
}
