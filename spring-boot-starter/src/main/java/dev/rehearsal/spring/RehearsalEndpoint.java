package dev.rehearsal.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.report.Reports;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/rehearsal}: the outcome of the last rehearsal of this application as the JSON report has it
 * (verdict, migrations, findings, schema changes, statements, timings); 404 before any ran. Like every endpoint but
 * health, it is exposed only when asked: {@code management.endpoints.web.exposure.include=health,rehearsal}. It
 * shows the migrations' SQL and the database's URL (never credentials): expose it where those may be read.
 */
@Endpoint(id = "rehearsal")
public class RehearsalEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final StartupRehearsal rehearsal;

    RehearsalEndpoint(StartupRehearsal rehearsal) {
        this.rehearsal = rehearsal;
    }

    /** The last outcome, or null (404) when no rehearsal ran. */
    @ReadOperation
    public Map<String, Object> outcome() {
        return rehearsal.lastOutcome().map(RehearsalEndpoint::asMap).orElse(null);
    }

    /**
     * The report as plain maps and lists, which any JSON library writes the same: Boot 3's Actuator writes with
     * Jackson 2, Boot 4's with Jackson 3, and the report is Jackson 2's.
     */
    private static Map<String, Object> asMap(Outcome outcome) {
        try {
            return JSON.readValue(Reports.json(outcome), OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot read back the report of " + outcome.target(), e);
        }
    }
}
