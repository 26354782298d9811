package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.ErrorCode;
import dev.rehearsal.api.RehearsalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void startsWithTheReportVersion() throws IOException {
        JsonNode report = json.readTree(JsonReport.toJson(SampleOutcomes.promoted()));

        assertThat(report.fieldNames().next()).isEqualTo("reportVersion");
        assertThat(report.path("reportVersion").asInt()).isEqualTo(JsonReport.VERSION).isEqualTo(1);
    }

    @Test
    void carriesTheVerdictMigrationsBranchFailureAndStatements() throws IOException {
        JsonNode report = json.readTree(JsonReport.toJson(SampleOutcomes.failedAndKept("CREATE UNIQUE INDEX u")));

        assertThat(report.path("verdict").asText()).isEqualTo("FAILED_ON_BRANCH");
        assertThat(report.path("target").asText()).isEqualTo("jdbc:postgresql://db:5432/shop");
        assertThat(report.path("migrations").findValuesAsText("branch")).containsExactly("APPLIED", "FAILED");
        assertThat(report.path("branch").path("kept").asBoolean()).isTrue();
        assertThat(report.path("branch").path("expiresAt").asText()).isEqualTo("2026-11-24T05:53:01Z");
        assertThat(report.path("failure").path("sqlState").asText()).isEqualTo("23505");
        assertThat(report.path("failure").path("line").asInt()).isEqualTo(4);
        assertThat(report.path("statements").get(0).path("sql").asText()).isEqualTo("CREATE UNIQUE INDEX u");
        assertThat(report.path("statements").get(0).path("sqlState").asText()).isEqualTo("23505");
        assertThat(report.path("startedAt").asText()).isEqualTo("2026-11-23T21:53:01Z");
        assertThat(report.path("timings").path("totalMillis").asLong()).isEqualTo(530);
    }

    @Test
    void leavesOutWhatIsAbsentInsteadOfWritingNull() throws IOException {
        String text = JsonReport.toJson(SampleOutcomes.nothingPending());
        JsonNode report = json.readTree(text);

        assertThat(text).doesNotContain("null");
        assertThat(report.has("branch")).isFalse();
        assertThat(report.has("failure")).isFalse();
        assertThat(report.has("reportFailures")).as("written only when a report was not").isFalse();
        assertThat(report.path("migrations").isArray()).isTrue();
        assertThat(report.path("findings").isArray()).isTrue();
    }

    @Test
    void leavesOutAbsentFieldsOfFindingsButKeepsTheirEvidence() throws IOException {
        JsonNode findings = json.readTree(JsonReport.toJson(SampleOutcomes.blocked())).path("findings");

        assertThat(findings.get(0).path("evidence").path("rows").asLong()).isEqualTo(1_000_000);
        assertThat(findings.get(0).path("remedy").asText()).startsWith("add a new column");
        assertThat(findings.get(1).has("migration")).isFalse();
        assertThat(findings.get(1).has("remedy")).isFalse();
        assertThat(findings.get(1).path("severity").asText()).isEqualTo("INFO");
    }

    @Test
    void leavesOutTheDerivedViews() throws IOException {
        JsonNode report = json.readTree(JsonReport.toJson(SampleOutcomes.blocked()));

        assertThat(report.has("reasons")).isFalse();
        assertThat(report.has("blockingFindings")).isFalse();
    }

    @Test
    void writeCreatesTheDirectoriesAndLeavesOnlyTheReport(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("target/rehearsal/report.json");

        JsonReport.write(SampleOutcomes.promoted(), file);
        JsonReport.write(SampleOutcomes.blocked(), file);

        assertThat(Files.readString(file)).isEqualTo(JsonReport.toJson(SampleOutcomes.blocked()));
        assertThat(JsonReport.read(file).path("verdict").asText()).isEqualTo("BLOCKED");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void writesAReportOthersCanRead(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("report.json");

        JsonReport.write(SampleOutcomes.promoted(), file);

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void anUnwritableLocationIsAConfigurationErrorThatSaysHowToChooseAnother(@TempDir Path directory)
            throws IOException {
        Path notADirectory = Files.writeString(directory.resolve("file"), "x");

        assertThatThrownBy(() -> JsonReport.write(SampleOutcomes.promoted(), notADirectory.resolve("report.json")))
                .isInstanceOfSatisfying(RehearsalException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("Cannot write the report to")
                .hasMessageContaining("Choose a writable location with reportTo(...)");
    }
}
