package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.neon.NeonBranchProvider;
import dev.rehearsal.testing.TestPostgres;
import dev.rehearsal.testing.XfsLoopMount;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rehearsal server} killed with {@code kill -9}: its branches' postmasters live on; the next start brings back
 * the branches it has a record of, and stops and deletes the one it has none of (made just before the kill), freeing
 * its port.
 */
class CliServerCrashIT {
    private static final String KEY = "cli-server-crash-0123456789abcdef";
    private static final String PASSWORD = "Crash-Pa55";

    @TempDir
    Path work;
    private XfsLoopMount xfs;
    private TestPostgres source;
    private CliProcess.Running server;

    @BeforeEach
    void mount() {
        XfsLoopMount.Result mount = XfsLoopMount.tryMount(work, 3L << 30);
        Assumptions.assumeTrue(mount.mount() != null, "no XFS loop mount here: " + mount.whyNot());
        xfs = mount.mount();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.process().destroy();
            server.process().waitFor(2, TimeUnit.MINUTES);
        }
        if (source != null) {
            source.stop();
        }
        if (xfs != null) {
            xfs.close();
        }
    }

    @Test
    void theNextStartReapsWhatItHasNoRecordOfAndKeepsTheRest() throws Exception {
        source = TestPostgres.postgres15In(xfs.path().resolve("source"));
        source.execute("postgres", "ALTER ROLE postgres PASSWORD '" + PASSWORD + "'");
        String database = source.createDatabase("crash");
        source.execute(database, "CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2), (3)");
        DatabaseLocation target = DatabaseLocation.of(source.jdbcUrl(database), "postgres", PASSWORD);
        Path data = xfs.path().resolve("server");
        int port = freePort();
        String[] arguments = {"server", "--source", source.jdbcUrl(database), "--source-user", "postgres",
            "--data-directory", data.toString(), "--port", String.valueOf(port), "--server-binaries",
            System.getProperty(TestPostgres.POSTGRES_15_PROPERTY), "--pg-basebackup",
            "/usr/lib/postgresql/15/bin/pg_basebackup"};
        Map<String, String> environment = Map.of("REHEARSAL_SERVER_API_KEY", KEY, "REHEARSAL_SOURCE_PASSWORD",
                PASSWORD);
        String base = "http://127.0.0.1:" + port + "/api/v2";

        server = CliProcess.start(List.of(), environment, arguments);
        awaitStatus(base);
        NeonBranchProvider client = NeonBranchProvider.builder().apiBaseUrl(base).projectId("local").apiKey(KEY)
                .databaseName(database).roleName("postgres").build();
        client.createBranch(target, "kept", Duration.ofHours(1));
        client.createBranch(target, "lost", Duration.ofHours(1));
        DatabaseLocation kept = client.branchLocation(target, "kept");
        DatabaseLocation lost = client.branchLocation(target, "lost");

        server.process().destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        assertThat(count(lost)).as("a branch's postgres outlives the killed server").isEqualTo("3");
        forget(data.resolve("branches.json"), "rehearsal-lost");

        server = CliProcess.start(List.of(), environment, arguments);
        JsonNode status = awaitStatus(base);

        assertThat(count(kept)).isEqualTo("3");
        assertThatThrownBy(() -> count(lost)).hasMessageContaining("onnect");
        try (var listed = Files.list(data.resolve("branches"))) {
            assertThat(listed.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList())
                    .as("the copies left: the kept branch's only").hasSize(1);
        }
        assertThat(client.listBranches(target)).extracting(b -> b.name()).containsExactly("kept");
        assertThat(status.toString()).contains("physical");
        CliProcess.Result printed = CliProcess.run(Map.of("REHEARSAL_SERVER_API_KEY", KEY), "server", "status",
                "--url", base);
        assertThat(printed.exit()).isEqualTo(0);
        assertThat(new ObjectMapper().readTree(printed.out()).toString()).contains("slot");
    }

    /** Removes a branch's record, as when the server was killed between making its copy and recording it. */
    private static void forget(Path records, String name) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(records.toFile());
        ArrayNode branches = (ArrayNode) root.path("branches");
        for (int i = branches.size() - 1; i >= 0; i--) {
            if (name.equals(branches.get(i).path("name").asText())) {
                branches.remove(i);
            }
        }
        json.writeValue(records.toFile(), root);
    }

    private static String count(DatabaseLocation location) throws Exception {
        try (Connection connection = location.dataSource("test").getConnection();
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM t")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private JsonNode awaitStatus(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                        .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return new ObjectMapper().readTree(response.body());
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            if (!server.process().isAlive() || System.nanoTime() > deadline) {
                server.process().destroy();
                server.process().waitFor(1, TimeUnit.MINUTES);
                throw new AssertionError("The server did not answer (" + (server.process().isAlive() ? "running"
                        : "exit " + server.process().exitValue()) + "):\n" + server.out().get() + "\n"
                        + server.err().get());
            }
            Thread.sleep(250);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
