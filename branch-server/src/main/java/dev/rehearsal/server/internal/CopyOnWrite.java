package dev.rehearsal.server.internal;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.ConfigurationException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether a directory's file system clones files by sharing their blocks (XFS with reflink, Btrfs): tried once, by
 * cloning a small file with {@code cp --reflink=always}.
 *
 * @param supported  whether clones share blocks
 * @param fileSystem the file system's type, e.g. {@code xfs}
 */
record CopyOnWrite(boolean supported, String fileSystem) {
    /** Tries a clone in {@code directory}; a directory this process cannot write in is refused. */
    static CopyOnWrite probe(Path directory) {
        Path probe = directory.resolve("reflink.probe");
        Path clone = directory.resolve("reflink.probe.clone");
        String type;
        try {
            type = Files.getFileStore(directory).type();
            Files.writeString(probe, "copy-on-write?\n");
        } catch (IOException e) {
            throw new ConfigurationException("Cannot write in " + directory + ": " + e.getMessage(), e);
        }
        try {
            Command.run(List.of("cp", "--reflink=always", probe.toString(), clone.toString()), "probe reflinks");
            return new CopyOnWrite(true, type);
        } catch (BranchException e) {
            return new CopyOnWrite(false, type);
        } finally {
            FileTrees.deleteQuietly(probe);
            FileTrees.deleteQuietly(clone);
        }
    }

    /** The file system's type as people write it, e.g. {@code XFS}. */
    String fileSystemName() {
        return fileSystem.toUpperCase(Locale.ROOT);
    }

    /** Bytes in use and free on {@code directory}'s file system; zeros when it cannot be read. */
    static long[] disk(Path directory) {
        try {
            FileStore store = Files.getFileStore(directory);
            return new long[] {store.getTotalSpace() - store.getUnallocatedSpace(), store.getUsableSpace()};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }
}
