package dev.rehearsal.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's shop demo ({@link ShopDemo}), with nothing to set up but PostgreSQL's binaries: an embedded
 * PostgreSQL with a shop database whose data has realistic flaws; a safe change set is promoted, a risky one fails on
 * the branch and the shop is left untouched. The binaries are not in the jar: {@link DemoPostgres} says which file to
 * put next to it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run the demo on an embedded PostgreSQL: one change set promoted, one stopped by the real data.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--reports", description = "where to write the reports of both rehearsals, JSON, HTML and "
            + "Markdown (default: a temporary directory)")
    Path reports;

    @Override
    public Integer call() throws Exception {
        DemoPostgres.require(); // before anything is made: a missing PostgreSQL leaves no directory behind
        Path directory = reports != null ? reports : Files.createTempDirectory("rehearsal-demo");
        try (EmbeddedPostgres postgres = ShopDemo.startPostgres()) {
            ShopDemo.Result result = ShopDemo.run(postgres, directory, System.out);
            System.out.flush();
            result.problems().forEach(problem -> System.err.println("rehearsal demo: " + problem));
            return result.problems().isEmpty() ? 0 : 1;
        }
    }
}
