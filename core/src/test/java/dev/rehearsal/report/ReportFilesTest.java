package dev.rehearsal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Report paths are checked before a run. These tests run as root on the build machines, where permissions stop
 * nothing: what stands in the way here is a file where a directory should be, a directory or a device where the
 * report should be, and a file system that refuses new files ({@code /proc}).
 */
class ReportFilesTest {
    @TempDir
    Path directory;

    @Test
    void aWritableLocationGetsItsDirectoriesAndNothingElse() throws IOException {
        Path report = directory.resolve("target/rehearsal/report.json");

        ReportFiles.requireWritable(report, "--report");

        assertThat(report.getParent()).isDirectory();
        try (Stream<Path> files = Files.list(report.getParent())) {
            assertThat(files).as("the probe leaves nothing behind").isEmpty();
        }
    }

    @Test
    void anExistingReportMayBeReplaced() throws IOException {
        Path report = Files.writeString(directory.resolve("report.json"), "{}");

        ReportFiles.requireWritable(report, "--report");

        assertThat(report).hasContent("{}");
    }

    @Test
    void aDirectoryThatCannotBeMadeIsAConfigurationErrorNamingTheSettingAndWhatIsInTheWay() throws IOException {
        Path file = Files.writeString(directory.resolve("target"), "not a directory");
        Path report = file.resolve("rehearsal/report.json");

        assertThatThrownBy(() -> ReportFiles.requireWritable(report, "--report"))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageStartingWith("--report " + report + ": the report cannot be written there")
                .hasMessageContaining(file + " is not a directory")
                .hasMessageEndingWith("Point --report somewhere this process can create directories and write files");
        assertThat(file).hasContent("not a directory");
    }

    @Test
    void aFileSystemThatTakesNoNewFilesIsRefused() {
        Path report = Path.of("/proc/nope/r.json");

        assertThatThrownBy(() -> ReportFiles.requireWritable(report, "reportTo(...)"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot create the directory /proc/nope: no such file or directory")
                .hasMessageContaining("Point reportTo(...) somewhere");
    }

    @Test
    void aDirectoryIsNoReportFile() throws IOException {
        Path taken = Files.createDirectories(directory.resolve("report.json"));

        assertThatThrownBy(() -> ReportFiles.requireWritable(taken, "<reportDirectory>"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(taken + " is a directory");
    }

    @Test
    void aDeviceIsNeverReplacedByAReport() throws IOException {
        Path device = Path.of("/dev/null");

        assertThatThrownBy(() -> ReportFiles.requireWritable(device, "--report"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("/dev/null is not a regular file");
        assertThatThrownBy(() -> ReportFiles.write(device, "{}"))
                .isInstanceOf(IOException.class)
                .hasMessage("/dev/null is not a regular file");
        assertThat(Files.isRegularFile(device)).isFalse();
    }

    @Test
    void aWriteThatFailsSaysWhyInWords() throws IOException {
        Path report = directory.resolve("target/rehearsal/report.json");
        ReportFiles.requireWritable(report, "--report");
        Files.delete(report.getParent());
        Files.writeString(report.getParent(), "the directory went away; a file took its place");

        assertThatThrownBy(() -> ReportFiles.write(report, "{}"))
                .isInstanceOf(IOException.class)
                .hasMessage(report.getParent() + " is not a directory");
    }
}
