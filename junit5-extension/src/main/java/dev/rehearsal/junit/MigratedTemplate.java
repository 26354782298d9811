package dev.rehearsal.junit;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.engine.ApplyResult;
import dev.rehearsal.engine.Migration;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationEngine.MigrationObserver;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.internal.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database every test database is cloned from: all the project's migrations applied to an empty database,
 * built once and kept on the server under a name derived from a hash of the migrations (ids, checksums, scripts,
 * the bytes of Java migrations' classes) and of the engine's configuration. Unchanged migrations reuse it, across
 * runs too; a changed migration gives another hash, so a new template is built and the engine's old one dropped.
 * Builders on several JVMs take turns through an advisory lock.
 */
final class MigratedTemplate {
    static final String PREFIX = "rehearsal_tpl_";
    private static final Logger LOG = LoggerFactory.getLogger(MigratedTemplate.class);
    /** The advisory lock's first key ("RTPL"). */
    private static final int LOCK_NAMESPACE = 0x5254504c;

    private MigratedTemplate() {
    }

    /** The name of the migrated template for {@code engine} on {@code server}, built if needed. */
    static String ensure(TestServer server, MigrationEngine engine) {
        DatabaseLocation maintenance = server.maintenance();
        try (Connection connection = Sql.connect(maintenance, "the test server")) {
            String key = key(connection, server, engine);
            String name = PREFIX + key.substring(0, 20);
            String label = "rehearsal-template " + key + " " + engine;
            Sql.execute(connection, "SELECT pg_advisory_lock(" + LOCK_NAMESPACE + ", hashtext('" + name + "'))");
            try {
                if (exists(connection, name)) {
                    LOG.debug("Reusing the migrated template {} ({})", name, engine);
                    return name;
                }
                build(connection, server, engine, name, label);
                dropOlderTemplates(connection, engine, name);
                return name;
            } finally {
                Sql.execute(connection, "SELECT pg_advisory_unlock(" + LOCK_NAMESPACE + ", hashtext('" + name
                        + "'))");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the migrated template on " + maintenance + ": "
                    + Sql.describe(e), e);
        }
    }

    private static void build(Connection connection, TestServer server, MigrationEngine engine, String name,
                              String label) throws SQLException {
        long start = System.nanoTime();
        String building = name + "_building";
        Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", building);
        Sql.execute(connection, "CREATE DATABASE %I TEMPLATE template0", building);
        try {
            var database = server.database(building).dataSource(Sql.APPLICATION_NAME);
            MigrationPlan plan = engine.plan(database);
            ApplyResult result = engine.apply(database, plan, MigrationObserver.NONE);
            if (!result.succeeded()) {
                throw new IllegalStateException("The migrations do not apply to an empty database, so no test "
                        + "database can be made: " + result.failure().message());
            }
            Sql.execute(connection, "COMMENT ON DATABASE %I IS %L", building, label);
            Sql.execute(connection, "ALTER DATABASE %I RENAME TO %I", building, name);
            LOG.info("Built the migrated template {} ({} migration(s), {} ms)", name, plan.size(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException | RuntimeException e) {
            Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", building);
            throw e;
        }
    }

    /** Templates of the same engine configuration built from older migrations: no test will use them again. */
    private static void dropOlderTemplates(Connection connection, MigrationEngine engine, String current)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT datname, "
                + "shobj_description(oid, 'pg_database') FROM pg_database WHERE starts_with(datname, ?) "
                + "AND datname <> ?")) {
            statement.setString(1, PREFIX);
            statement.setString(2, current);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String old = rows.getString(1);
                    String label = rows.getString(2);
                    if (label == null || !label.startsWith("rehearsal-template ")
                            || !label.endsWith(" " + engine)) {
                        continue;
                    }
                    Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", old);
                    LOG.info("Dropped {}, the template of migrations that have changed since", old);
                }
            }
        }
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * The hash of what the engine would apply to an empty database: read on a scratch database, which is dropped.
     */
    static String key(Connection connection, TestServer server, MigrationEngine engine) throws SQLException {
        String scratch = "rehearsal_scratch_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        Sql.execute(connection, "CREATE DATABASE %I TEMPLATE template0", scratch);
        try {
            MigrationPlan plan = engine.plan(server.database(scratch).dataSource(Sql.APPLICATION_NAME));
            return hash(engine, plan.migrations());
        } finally {
            Sql.execute(connection, "DROP DATABASE IF EXISTS %I WITH (FORCE)", scratch);
        }
    }

    static String hash(MigrationEngine engine, List<Migration> migrations) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, engine.name());
            update(sha, engine.toString());
            for (Migration migration : migrations) {
                update(sha, migration.id() + "|" + migration.version() + "|" + migration.description() + "|"
                        + migration.script() + "|" + migration.type() + "|" + migration.checksum());
                if (migration.checksum() == null) {
                    sha.update(classBytes(migration.script()));
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A Java migration has no checksum: its class file stands in for its content. */
    private static byte[] classBytes(String className) {
        String resource = className.replace('.', '/') + ".class";
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(resource)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
