package dev.rehearsal.flyway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.engine.Migration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FlywayEngine#sqlOf}: a script's text from the configuration alone, with no database anywhere. */
class FlywayScriptTextTest {
    private static Migration sql(String version, String script) {
        return new Migration(version, version, "next", script, "SQL", 1);
    }

    @Test
    void readsAClassPathScriptByItsNameRelativeToItsLocationSubDirectoriesIncluded() {
        FlywayEngine engine = FlywayEngine.of(Flyway.configure().locations("classpath:db/base", "classpath:db/risks"));

        assertThat(engine.sqlOf(sql("4", "later/V4__tidy_customers.sql")))
                .contains("ALTER TABLE customers DROP COLUMN name;");
        assertThat(engine.sqlOf(sql("3", "V3__require_email.sql")))
                .contains("ALTER TABLE customers ALTER COLUMN email SET NOT NULL;");
        assertThat(engine.sqlOf(sql("1", "V1__customers.sql"))).startsWith("CREATE TABLE customers (");
    }

    @Test
    void readsAFileSystemScriptInTheConfiguredEncodingWithoutAByteOrderMark(@TempDir Path directory)
            throws IOException {
        Files.createDirectories(directory.resolve("2026"));
        Files.write(directory.resolve("2026/V7__comment.sql"),
                "COMMENT ON TABLE customers IS 'clientèle';".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(directory.resolve("V8__comment.sql"), "\uFEFFCOMMENT ON TABLE orders IS 'commandé';");

        String latin1 = FlywayEngine.of(Flyway.configure().locations("filesystem:" + directory)
                .encoding(StandardCharsets.ISO_8859_1)).sqlOf(sql("7", "2026/V7__comment.sql"));
        String utf8 = FlywayEngine.of(Flyway.configure().locations("filesystem:" + directory))
                .sqlOf(sql("8", "V8__comment.sql"));

        assertThat(latin1).isEqualTo("COMMENT ON TABLE customers IS 'clientèle';");
        assertThat(utf8).isEqualTo("COMMENT ON TABLE orders IS 'commandé';");
    }

    @Test
    void replacesTheUsersPlaceholdersWhenFlywayWould() {
        Map<String, String> placeholders = Map.of("audit_table", "customer_audit", "default_note", "created by V3");

        String replaced = FlywayEngine.of(Flyway.configure().locations("classpath:db/placeholders")
                .placeholders(placeholders)).sqlOf(sql("3", "V3__create_audit_table.sql"));
        String asWritten = FlywayEngine.of(Flyway.configure().locations("classpath:db/placeholders")
                .placeholders(placeholders).placeholderReplacement(false)).sqlOf(sql("3", "V3__create_audit_table.sql"));

        assertThat(replaced).startsWith("CREATE TABLE customer_audit (").contains("DEFAULT 'created by V3'");
        assertThat(asWritten).startsWith("CREATE TABLE ${audit_table} (");
    }

    @Test
    void readsAScriptOfALocationWithWildcardsRelativeToThePartBeforeThem() {
        FlywayEngine engine = FlywayEngine.of(Flyway.configure().locations("classpath:db/ri*"));

        assertThat(engine.sqlOf(sql("4", "risks/later/V4__tidy_customers.sql")))
                .contains("ALTER TABLE customers DROP COLUMN name;");
    }

    @Test
    void givesNoTextForAJavaMigrationOrAScriptThatIsNowhere() {
        FlywayEngine engine = FlywayEngine.of(Flyway.configure().locations("classpath:db/base", "classpath:db/risks"));

        assertThat(engine.sqlOf(new Migration("3", "3", "Normalise emails", "db.javamigrations.V3__Normalise_emails",
                "JDBC", null))).isNull();
        assertThat(engine.sqlOf(sql("9", "V9__gone.sql"))).isNull();
    }
}
