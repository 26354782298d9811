package dev.rehearsal.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A fresh XFS file system in a sparse image file, loop-mounted — where copy-on-write clones can be measured. Needs
 * root, {@code mkfs.xfs} (Debian's xfsprogs) and loop devices; {@link #tryMount} says why when it cannot.
 */
public final class XfsLoopMount implements AutoCloseable {
    private final Path image;
    private final Path mountPoint;

    private XfsLoopMount(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /** Mounts a new XFS of {@code sizeBytes} (sparse) under {@code directory}, or tells why it could not. */
    public static Result tryMount(Path directory, long sizeBytes) {
        Path image = directory.resolve("xfs.img");
        Path mountPoint = directory.resolve("mnt");
        try {
            Files.createDirectories(mountPoint);
            try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(sizeBytes);
            }
            Optional<String> failed = run("mkfs.xfs", "-q", "-f", image.toString());
            if (failed.isEmpty()) {
                failed = run("mount", "-o", "loop", image.toString(), mountPoint.toString());
            }
            return failed.map(why -> new Result(null, why))
                    .orElseGet(() -> new Result(new XfsLoopMount(image, mountPoint), null));
        } catch (IOException e) {
            return new Result(null, "cannot make the image file: " + e.getMessage());
        }
    }

    /** The mounted file system's root. */
    public Path path() {
        return mountPoint;
    }

    /** Bytes in use on the file system, as {@code df} counts them. */
    public long usedBytes() throws IOException {
        var store = Files.getFileStore(mountPoint);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    @Override
    public void close() {
        run("umount", mountPoint.toString());
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            // the temporary directory goes anyway
        }
    }

    /** The mount, or why there is none. */
    public record Result(XfsLoopMount mount, String whyNot) {
    }

    private static Optional<String> run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of(command[0] + " did not finish");
            }
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of(command[0] + " failed (exit " + process.exitValue() + "): " + output);
        } catch (IOException e) {
            return Optional.of(command[0] + " is not available: " + e.getMessage()
                    + " (install Debian's xfsprogs; mounting needs root)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}
