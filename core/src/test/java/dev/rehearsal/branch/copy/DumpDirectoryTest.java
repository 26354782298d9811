package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.copy.DumpDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which dump directories are removed: only Rehearsal's whose process is gone. */
class DumpDirectoryTest {
    /** A pid that is not this process's; whether a process has it does not matter, the lock decides. */
    private static final long OTHER_PID = ProcessHandle.current().pid() + 1;

    @TempDir
    Path parent;

    @Test
    void removesTheDumpOfAProcessThatIsGoneWithAllInIt() throws IOException {
        Path dead = dumpOfDeadProcess("rehearsal-snapshot-" + OTHER_PID + "-123");
        Files.createDirectories(dead.resolve("dump"));
        Files.writeString(dead.resolve("dump").resolve("3456.dat.gz"), "the source's rows");

        List<Path> removed = DumpDirectory.removeDead(List.of(parent));

        assertThat(removed).containsExactly(dead);
        assertThat(dead).doesNotExist();
    }

    @Test
    void leavesEverythingItCannotProveIsTheDumpOfAProcessThatIsGone() throws IOException {
        Path otherName = dumpOfDeadProcess("rehearsal-snap-" + OTHER_PID + "-1");
        Path oldForm = dumpOfDeadProcess("rehearsal-snapshot-12345");
        Path noLock = Files.createDirectory(parent.resolve("rehearsal-snapshot-" + OTHER_PID + "-2"));
        Path beingSetUp = Files.createDirectory(parent.resolve("rehearsal-snapshot-" + OTHER_PID + "-3"));
        Files.createFile(beingSetUp.resolve(DumpDirectory.LOCK));
        Path someoneElses = Files.createDirectory(parent.resolve("rehearsal-snapshot-" + OTHER_PID + "-4"));
        Files.writeString(someoneElses.resolve(DumpDirectory.LOCK), "mine\n");
        Path elsewhere = Files.createDirectory(parent.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve(DumpDirectory.LOCK), DumpDirectory.MARKER + "\npid 1\n");
        Path link = Files.createSymbolicLink(parent.resolve("rehearsal-snapshot-" + OTHER_PID + "-5"), elsewhere);
        Path file = Files.writeString(parent.resolve("rehearsal-snapshot-" + OTHER_PID + "-6"), "a file");
        Path lockLink = Files.createDirectory(parent.resolve("rehearsal-snapshot-" + OTHER_PID + "-7"));
        Files.createSymbolicLink(lockLink.resolve(DumpDirectory.LOCK), elsewhere.resolve(DumpDirectory.LOCK));

        assertThat(DumpDirectory.removeDead(List.of(parent))).isEmpty();

        assertThat(List.of(otherName, oldForm, noLock, beingSetUp, someoneElses, elsewhere, link, file, lockLink))
                .allSatisfy(path -> assertThat(path).exists());
        assertThat(elsewhere.resolve(DumpDirectory.LOCK)).exists();
    }

    @Test
    void neverRemovesTheDumpOfACopyOfThisProcessAndItsCloseDeletesIt() throws IOException {
        Path path;
        try (DumpDirectory live = DumpDirectory.create(parent, "shop")) {
            path = live.path();
            Files.writeString(path.resolve("toc.dat"), "the source's schema");
            assertThat(path.getFileName().toString()).startsWith("rehearsal-snapshot-" + ProcessHandle.current().pid()
                    + "-");
            assertThat(Files.readString(path.resolve(DumpDirectory.LOCK))).startsWith(DumpDirectory.MARKER + "\n")
                    .contains("source shop");

            assertThat(DumpDirectory.removeDead(List.of(parent))).isEmpty();

            assertThat(path.resolve("toc.dat")).exists();
        }
        assertThat(path).doesNotExist();
        assertThat(parent).isEmptyDirectory();
    }

    /** A directory as a process that was killed leaves it: its lock file marked, and no one holding the lock. */
    private Path dumpOfDeadProcess(String name) throws IOException {
        Path directory = Files.createDirectory(parent.resolve(name));
        Files.writeString(directory.resolve(DumpDirectory.LOCK), DumpDirectory.MARKER + "\npid " + OTHER_PID
                + "\nstarted 2026-11-29T10:00:00Z\nsource shop\n");
        return directory;
    }
}
