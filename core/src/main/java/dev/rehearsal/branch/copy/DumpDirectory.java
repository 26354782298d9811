package dev.rehearsal.branch.copy;

import dev.rehearsal.api.BranchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private directory that holds one snapshot copy's dump — a copy of the source's data — recognisably Rehearsal's,
 * and telling whether the process that made it still lives, so that the dumps of runners that were killed are
 * removed by the next run and by {@code reapOrphans()}.
 *
 * <p>The directory is {@code rehearsal-snapshot-<pid>-<random>} ({@code rwx} for its user only). Its file
 * {@value #LOCK} is locked ({@link FileChannel#lock()}) by the process using the directory for as long as it does,
 * and says so in its first line. The operating system releases the lock when that process ends however it ends
 * (SIGKILL included), and a lock cannot be fooled by a reused pid: a directory whose lock file has that first line
 * and whose lock can be taken belongs to a process that is gone. Only such directories are removed; any other file or
 * directory, unreadable ones and directories without the lock file above all, is left alone.
 *
 * <p>A process never opens the lock files of its own directories to test them (the pid in the name tells them):
 * with POSIX locks, closing any descriptor of a file releases every lock the process holds on it, which would leave a
 * live dump unprotected against other processes.
 */
final class DumpDirectory implements AutoCloseable {
    static final String PREFIX = "rehearsal-snapshot-";
    static final String LOCK = "owner.lock";
    static final String MARKER = "rehearsal snapshot-copy dump";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    private static final Logger LOG = LoggerFactory.getLogger(DumpDirectory.class);
    /** The directories this class loader's copies use now; other loaders of this JVM are told by the pid. */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel lockChannel;

    private DumpDirectory(Path path, FileChannel lockChannel) {
        this.path = path;
        this.lockChannel = lockChannel;
    }

    /**
     * A new, locked dump directory in {@code parent}, or in {@code java.io.tmpdir} when it is null, for a copy of
     * {@code source}.
     */
    static DumpDirectory create(Path parent, String source) {
        Path path;
        try {
            String prefix = PREFIX + ProcessHandle.current().pid() + "-";
            // rwx for this user only (POSIX): the dump is a copy of the data
            path = (parent == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(parent, prefix))
                    .toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new BranchException("Could not create a directory for the dump in " + (parent == null
                    ? System.getProperty("java.io.tmpdir") : parent) + ": " + e.getMessage()
                    + ". Set one with room for the dump: " + SnapshotCopyBranchProvider.WORK_DIRECTORY.spelled(), e);
        }
        LIVE.add(path);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (lock(channel, path)) {
                // Written only under the lock, so that a reaper never takes a directory being set up (its lock file
                // still empty) for one that a dead process left.
                channel.write(ByteBuffer.wrap((MARKER + "\npid " + ProcessHandle.current().pid() + "\nstarted "
                        + Instant.now() + "\nsource " + source + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            return new DumpDirectory(path, channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            delete(path);
            LIVE.remove(path);
            throw new BranchException("Could not set up the dump directory " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Locks the new lock file: blocks while another process's reaper tests it. On a file system without locks the
     * file stays unmarked (so that no reaper takes the directory for a dead one) and a warning says what that means.
     */
    private static boolean lock(FileChannel channel, Path path) {
        try {
            channel.lock();
            return true;
        } catch (IOException e) {
            LOG.warn("Cannot lock a file in {} ({}): should this process be killed during the copy, its dump would "
                    + "be left there. Set a work directory on a local file system: {}", path, e.getMessage(),
                    SnapshotCopyBranchProvider.WORK_DIRECTORY.spelled());
            return false;
        }
    }

    Path path() {
        return path;
    }

    /** Deletes the directory and all in it. */
    @Override
    public void close() {
        try {
            delete(path, lockChannel);
        } finally {
            LIVE.remove(path);
        }
    }

    /**
     * Removes the dump directories in {@code parents} of processes that are gone, logging each; see the class comment
     * for how they are told.
     *
     * @return the directories removed
     */
    static List<Path> removeDead(Collection<Path> parents) {
        Set<Path> where = new LinkedHashSet<>();
        for (Path parent : parents) {
            where.add(parent.toAbsolutePath().normalize());
        }
        List<Path> removed = new ArrayList<>();
        for (Path parent : where) {
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (DirectoryStream<Path> candidates = Files.newDirectoryStream(parent, PREFIX + "*")) {
                for (Path candidate : candidates) {
                    if (removeIfDead(candidate)) {
                        removed.add(candidate);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                LOG.debug("Could not look for dumps of interrupted copies in {}: {}", parent, e.getMessage());
            }
        }
        return removed;
    }

    private static boolean removeIfDead(Path directory) {
        Matcher name = NAME.matcher(directory.getFileName().toString());
        if (!name.matches() || LIVE.contains(directory) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Long.parseLong(name.group(1)) == ProcessHandle.current().pid()) {
            return false; // this process's (another class loader's, or a dead one's with this pid: left to others)
        }
        Path lock = directory.resolve(LOCK);
        if (!Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileLock held = channel.tryLock();
            if (held == null) {
                return false; // its process is alive
            }
            String owner = firstLines(channel);
            if (!owner.startsWith(MARKER + "\n")) {
                return false; // not (yet) marked: being set up, or not Rehearsal's
            }
            boolean deleted = delete(directory, channel);
            channel = null;
            if (deleted) {
                LOG.info("Removed the dump directory {} of a snapshot copy whose process is gone ({})", directory,
                        owner.substring(MARKER.length() + 1).strip().replace("\n", ", "));
            }
            return deleted;
        } catch (NoSuchFileException e) {
            return false; // removed meanwhile, by its process or another reaper
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("Left {}: cannot tell whether its process is alive ({})", directory, e.toString());
            return false;
        } finally {
            closeQuietly(channel);
        }
    }

    private static String firstLines(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /**
     * Deletes {@code directory}: all but the lock file, then the lock file, then (releasing the lock) the directory,
     * so that no one sees it unlocked while it still holds anything. False, with a warning, when something is left.
     */
    private static boolean delete(Path directory, FileChannel lockChannel) {
        Path lock = directory.resolve(LOCK);
        try {
            try (Stream<Path> paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    if (!path.equals(directory) && !path.equals(lock)) {
                        Files.deleteIfExists(path);
                    }
                }
            }
            Files.deleteIfExists(lock);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the dump directory {}: {}. Delete it by hand: it holds a copy of the data",
                    directory, e.getMessage());
            closeQuietly(lockChannel);
            return false;
        }
        closeQuietly(lockChannel);
        return delete(directory);
    }

    private static boolean delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the dump directory {}: {}. Delete it by hand", directory, e.getMessage());
            return false;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Could not close {}: {}", LOCK, e.getMessage());
            }
        }
    }
}
