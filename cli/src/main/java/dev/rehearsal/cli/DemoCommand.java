package dev.rehearsal.cli;

import dev.rehearsal.examples.ShopDemo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the demo on an embedded PostgreSQL: one "
        + "change set promoted, one stopped by the real data.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--reports", description = "where to write the two JSON reports (default: a temporary directory)")
    Path reports;

    @Override
    public Integer call() throws Exception {
        Path directory = reports != null ? reports : Files.createTempDirectory("rehearsal-demo");
        try (EmbeddedPostgres postgres = ShopDemo.startPostgres()) {
            ShopDemo.Result result = ShopDemo.run(postgres, directory, System.out);
            System.out.flush();
            result.problems().forEach(problem -> System.err.println("rehearsal demo: " + problem));
            return result.problems().isEmpty() ? 0 : 1;
        }
    }
}
