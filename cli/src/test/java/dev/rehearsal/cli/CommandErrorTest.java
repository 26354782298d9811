package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.api.DatabaseException;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class CommandErrorTest {
    @Test
    void aRehearsalExceptionKeepsItsCodeAndAnythingElseIsAnInternalErrorNamingItsType() throws IOException {
        CommandError database = CommandError.of(new DatabaseException("Cannot connect", new SQLException("no")));
        CommandError bug = CommandError.of(new IllegalStateException("boom"));

        JsonNode json = new ObjectMapper().readTree(database.json());
        assertThat(json.get("error").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("code", "exitCode", "message");
        assertThat(json.at("/error/code").asText()).isEqualTo("DATABASE");
        assertThat(json.at("/error/exitCode").asInt()).isEqualTo(5);
        assertThat(json.at("/error/message").asText()).isEqualTo("Cannot connect");
        assertThat(bug.code()).isEqualTo("INTERNAL");
        assertThat(bug.exitCode()).isEqualTo(70);
        assertThat(bug.message()).contains("a bug", "java.lang.IllegalStateException: boom");
    }

    @Test
    void credentialsInTheMessageAreRedactedInEveryFormat() {
        CommandError error = CommandError.configuration("jdbc:postgresql://db/shop?password=s3cret is wrong");

        assertThat(error.message()).isEqualTo("jdbc:postgresql://db/shop?password=*** is wrong");
        assertThat(error.json() + error.markdown()).doesNotContain("s3cret");
    }

    @Test
    void markdownIsAShortBlockWhoseMessageIsNotReadAsMarkup() {
        CommandError error = CommandError.configuration("--ignore-migration-patterns *:missing is <bad>\nsecond line");

        assertThat(error.markdown()).isEqualTo("## ❌ Rehearsal: **CONFIGURATION** (exit 64)\n\n"
                + "> --ignore-migration-patterns \\*:missing is \\<bad\\>\n> second line\n");
        assertThat(error.render(Main.Format.text)).isEmpty();
        assertThat(error.render(Main.Format.json)).isEqualTo(error.json());
    }

    @Test
    void theFormatIsReadFromTheArgumentsTheLastOneWinning() {
        assertThat(Main.Format.requested(new String[] {"rehearse", "--format", "json"})).isEqualTo(Main.Format.json);
        assertThat(Main.Format.requested(new String[] {"--format=markdown"})).isEqualTo(Main.Format.markdown);
        assertThat(Main.Format.requested(new String[] {"--format", "json", "--format=text"}))
                .isEqualTo(Main.Format.text);
        assertThat(Main.Format.requested(new String[] {"--format", "xml"})).isEqualTo(Main.Format.text);
        assertThat(Main.Format.requested(new String[] {"--format"})).isEqualTo(Main.Format.text);
    }
}
