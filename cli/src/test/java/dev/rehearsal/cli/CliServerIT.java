package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.cli.CliProcess.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rehearsal server}'s errors, in the CLI's words, before anything is copied. */
class CliServerIT {
    private static final Map<String, String> KEY = Map.of("REHEARSAL_SERVER_API_KEY", "cli-server-it-0123456789abc");

    @TempDir
    Path data;

    @Test
    void withoutASourceOrADataDirectoryItSaysWhichOptionToGive() throws Exception {
        Result noSource = CliProcess.run(KEY, "server", "--data-directory", data.toString());
        Result noDirectory = CliProcess.run(KEY, "server", "--source", "jdbc:postgresql://localhost:1/shop");

        assertThat(noSource.exit()).isEqualTo(64);
        assertThat(noSource.err()).contains("--source jdbc:postgresql://");
        assertThat(noDirectory.exit()).isEqualTo(64);
        assertThat(noDirectory.err()).contains("--data-directory");
    }

    @Test
    void withoutAGoodApiKeyItNamesTheVariableAndTheOption() throws Exception {
        String[] arguments = {"server", "--source", "jdbc:postgresql://localhost:1/shop", "--data-directory",
            data.toString()};

        Result none = CliProcess.run(Map.of(), arguments);
        Result shortKey = CliProcess.run(Map.of("REHEARSAL_SERVER_API_KEY", "short"), arguments);

        assertThat(none.exit()).isEqualTo(64);
        assertThat(none.err()).contains("REHEARSAL_SERVER_API_KEY", "--api-key-env");
        assertThat(shortKey.exit()).isEqualTo(64);
        assertThat(shortKey.err()).contains("16 characters", "--api-key-env").doesNotContain("short");
    }

    @Test
    void aPortInUseIsSaidBeforeAnythingIsCopied() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result result = CliProcess.run(KEY, "server", "--source", "jdbc:postgresql://localhost:1/shop",
                    "--data-directory", data.toString(), "--port", String.valueOf(taken.getLocalPort()));

            assertThat(result.exit()).isEqualTo(64);
            assertThat(result.err()).contains("Port " + taken.getLocalPort(), "in use", "--port");
        }
        assertThat(data).isEmptyDirectory();
    }

    @Test
    void aPasswordInTheSourceUrlIsRefusedWithoutBeingShown() throws Exception {
        Result result = CliProcess.run(KEY, "server", "--source",
                "jdbc:postgresql://localhost:1/shop?password=Secret-Value", "--data-directory", data.toString());

        assertThat(result.exit()).isEqualTo(64);
        assertThat(result.err()).contains("--source").contains("REHEARSAL_SOURCE_PASSWORD")
                .doesNotContain("Secret-Value");
    }

    @Test
    void statusSaysWhenNoServerAnswers() throws Exception {
        Result result = CliProcess.run(KEY, "server", "status", "--url", "http://127.0.0.1:1/api/v2");

        assertThat(result.exit()).isEqualTo(64);
        assertThat(result.err()).contains("No branch server answers at http://127.0.0.1:1/api/v2", "--url");
    }
}
