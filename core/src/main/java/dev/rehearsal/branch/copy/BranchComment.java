package dev.rehearsal.branch.copy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.rehearsal.branch.BranchMetadata;
import java.util.Optional;

/**
 * A branch's {@link BranchMetadata} as the JSON of its {@code COMMENT ON DATABASE}. The {@code "rehearsal"} marker is
 * what tells Rehearsal's branches from other databases that happen to share the prefix.
 *
 * <p>Version 1 has no runner; version 2 adds {@code runner} and {@code lastSeen} (the heartbeat). Metadata without a
 * runner is still written as version 1, absent fields left out, so that older Rehearsal versions (which refuse
 * fields they do not know, and then leave the database alone) keep reading it; they leave version 2 alone.
 */
final class BranchComment {
    static final String MARKER = "rehearsal-branch";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    private BranchComment() {
    }

    record Stored(String marker, int version, BranchMetadata branch) {
    }

    static String toJson(BranchMetadata metadata) {
        try {
            return JSON.writeValueAsString(new Stored(MARKER, metadata.runner() == null ? 1 : 2, metadata));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write branch metadata", e);
        }
    }

    /** The metadata in a database comment, or empty when the comment is not one of ours. */
    static Optional<BranchMetadata> parse(String comment) {
        if (comment == null || !comment.contains(MARKER)) {
            return Optional.empty();
        }
        try {
            Stored stored = JSON.readValue(comment, Stored.class);
            return MARKER.equals(stored.marker()) ? Optional.ofNullable(stored.branch()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
