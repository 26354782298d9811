package dev.rehearsal.server.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a directory's file system clones files by sharing their blocks (XFS with reflink, Btrfs): tried once, by
 * cloning a small file with {@code cp --reflink=always}.
 */
record CopyOnWrite(boolean supported, String fileSystem) {
    static CopyOnWrite probe(Path directory) {
        String type = "unknown";
        try {
            FileStore store = Files.getFileStore(directory);
            type = store.type();
            Path probe = Files.createTempFile(directory, ".reflink-probe", "");
            Path clone = probe.resolveSibling(probe.getFileName() + ".clone");
            try {
                Files.write(probe, new byte[8192]);
                Command.run(List.of("cp", "--reflink=always", probe.toString(), clone.toString()),
                        "clone a file in " + directory);
                return new CopyOnWrite(true, type);
            } catch (RuntimeException e) {
                return new CopyOnWrite(false, type);
            } finally {
                Files.deleteIfExists(clone);
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            return new CopyOnWrite(false, type);
        }
    }

    /** Bytes in use and free on {@code directory}'s file system. */
    static long[] disk(Path directory) {
        try {
            FileStore store = Files.getFileStore(directory);
            return new long[] {store.getTotalSpace() - store.getUnallocatedSpace(), store.getUsableSpace()};
        } catch (IOException e) {
            return new long[] {0, 0};
        }
    }
}
