package dev.rehearsal.report;

import dev.rehearsal.api.ConfigurationException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Report files: checked before a run, written at its end (directories created, replaced atomically where the file
 * system allows, readable by all).
 *
 * <pre>{@code
 * ReportFiles.requireWritable(Path.of("target/rehearsal/report.json"), "--report");
 * }</pre>
 */
final class ReportFiles {
    private static final String TEMPORARY_PREFIX = ".rehearsal-report";

    private ReportFiles() {
    }

    /**
     * Checks, before anything is done, that a report can be written to {@code file}: a report that cannot be written
     * is then a configuration error instead of a surprise after the target was migrated. The file's directories are
     * created (as writing the report would), a temporary file is made there and removed; the file itself must not be
     * a directory, a device or a pipe. The front ends call it with their own name of the setting; every run calls it
     * again with the builder's.
     *
     * @param setting the setting that named the file, in the words of the caller's front end, e.g. {@code --report},
     *                {@code <reportDirectory>} or {@code reportTo(...)}
     * @throws ConfigurationException naming the setting, the file and what stands in the way
     */
    public static void requireWritable(Path file, String setting) {
        Objects.requireNonNull(file, "file");
        try {
            Files.delete(temporaryFileIn(directoryOf(file)));
        } catch (IOException e) {
            throw new ConfigurationException(setting + " " + file + ": the report cannot be written there ("
                    + e.getMessage() + "). Point " + setting + " somewhere this process can create directories and "
                    + "write files");
        }
    }

    /**
     * A reader never sees half a report; temporary files are owner-only, a report is for CI artifacts (0644).
     *
     * @throws IOException whose message says what stood in the way, in words, e.g. {@code /x is not a directory}
     */
    static void write(Path file, String content) throws IOException {
        Path temporary = temporaryFileIn(directoryOf(file));
        try {
            Files.writeString(temporary, content);
            if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException notAtomic) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            IOException failure = new IOException("cannot write " + file.toAbsolutePath() + ": " + why(e), e);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    /**
     * The file's directory, created. The file may be missing or a regular file: moving a report over a device as
     * root would replace the device itself ({@code /dev/null}), and over a directory would fail only at the end.
     */
    private static Path directoryOf(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException(absolute + " is a directory");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            throw new IOException(absolute + " is not a regular file");
        }
        Path directory = absolute.getParent();
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new IOException(existing + " is not a directory");
        }
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("cannot create the directory " + directory + ": " + why(e), e);
        }
    }

    private static Path temporaryFileIn(Path directory) throws IOException {
        try {
            return Files.createTempFile(directory, TEMPORARY_PREFIX, ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write in " + directory + ": " + why(e), e);
        }
    }

    /** What stood in the way, without the file's name (the caller says which); some exceptions carry only that. */
    private static String why(IOException e) {
        if (e instanceof FileSystemException failed && failed.getReason() != null) {
            return failed.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "something else exists there";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "a directory is in the way";
        }
        return e instanceof FileSystemException ? e.getClass().getSimpleName() : String.valueOf(e.getMessage());
    }
}
