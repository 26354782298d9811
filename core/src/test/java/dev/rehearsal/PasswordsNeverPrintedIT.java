package dev.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseException;
import dev.rehearsal.api.RehearsalException;
import dev.rehearsal.branch.TargetInUseException;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.StandardErrorCapture;
import dev.rehearsal.testing.TestDatabases;
import dev.rehearsal.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Runs rehearsals as a role with a password — given as an argument, inside the URL, and through a DataSource — that
 * fail, pass, and cannot start, and looks for the password in everything Rehearsal renders: reports, summaries,
 * logs, exception messages and stack traces. The server checks the role's password (SCRAM), so every connection
 * Rehearsal opens — target, lock database, maintenance database, branch, promotion — really uses it.
 */
class PasswordsNeverPrintedIT {
    private static final String UNIQUE_EMAIL = "CREATE UNIQUE INDEX customers_email ON customers (email)";

    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final TestPostgres postgres = databases.postgres();
    private final String password = "S3cret-" + UUID.randomUUID();
    private final List<String> rendered = new ArrayList<>();

    @Test
    void thePasswordAppearsInNoReportSummaryLogOrErrorMessage(@TempDir Path directory) throws IOException {
        String owner = databases.role("owner", password);
        postgres.requirePassword(owner);
        String target = databases.create("secret");
        postgres.execute(target, "ALTER DATABASE " + TestPostgres.quoteIdentifier(target) + " OWNER TO " + owner,
                "SET ROLE " + owner, RehearsalIT.SHOP[0], RehearsalIT.SHOP[1]);
        String urlWithPassword = postgres.jdbcUrl(target) + "?user=" + owner + "&password=" + password;
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.jdbcUrl(target));
        dataSource.setUser(owner);
        dataSource.setPassword(password);
        Path report = directory.resolve("report.json");
        String log;

        try (StandardErrorCapture capture = StandardErrorCapture.start()) {
            Outcome keptAsArgument = render(Rehearsal.configure().target(postgres.jdbcUrl(target), owner, password)
                    .engine(failing()).keepFailedBranch(Duration.ofHours(1)).reportTo(report).load().run(), report);
            render(Rehearsal.configure().target(urlWithPassword, null, null).engine(failing())
                    .keepFailedBranch(Duration.ofHours(1)).reportTo(report).load().run(), report);
            render(Rehearsal.configure().target(dataSource).engine(failing()).reportTo(report).load().rehearse(),
                    report);
            Outcome promoted = render(Rehearsal.configure().target(urlWithPassword, null, null).engine(passing())
                    .reportTo(report).load().run(), report);
            Outcome changed = render(Rehearsal.configure().target(postgres.jdbcUrl(target), owner, password)
                    .engine(passing().migration("2", "ALTER TABLE customers ADD COLUMN tier int"))
                    .check(context -> {
                        postgres.execute(target, "CREATE TABLE meanwhile (id int)");
                        return List.of();
                    }).reportTo(report).load().run(), report);

            databases.session(target, "orders-service");
            render(catchThrowable(() -> Rehearsal.configure().target(urlWithPassword, null, null)
                    .engine(passing().migration("2", "SELECT 1")).load().run()), TargetInUseException.class);
            render(catchThrowable(() -> Rehearsal.configure().target(postgres.jdbcUrl("no_such_database"), owner,
                    password).engine(passing()).load().run()), DatabaseException.class);
            render(catchThrowable(() -> Rehearsal.configure().target(urlWithPassword.replace(target,
                    "no_such_database"), null, null).engine(passing()).load().run()), DatabaseException.class);
            render(catchThrowable(() -> Rehearsal.configure().target("jdbc:postgresql://localhost:1/" + target,
                    owner, password).engine(passing()).load().run()), DatabaseException.class);
            render(catchThrowable(() -> Rehearsal.configure().target(urlWithPassword.replace("postgresql", "mysql"),
                    null, null)), ConfigurationException.class);
            log = capture.text();

            assertThat(keptAsArgument.verdict()).isEqualTo(Verdict.FAILED_ON_BRANCH);
            assertThat(promoted.verdict()).isEqualTo(Verdict.PROMOTED);
            assertThat(changed.verdict()).isEqualTo(Verdict.TARGET_CHANGED);
        }

        // the runs were made as the role: it owns the two branches they kept
        assertThat(postgres.branchesOf(target)).hasSize(2).allSatisfy(branch -> assertThat(postgres.query("postgres",
                "SELECT datdba::regrole::text FROM pg_database WHERE datname = ?", branch)).containsExactly(owner));

        assertThat(log).contains("KEPT for debugging", "FAILED_ON_BRANCH", "PROMOTED");
        assertThat(rendered).hasSize(24);
        assertThat(rendered).allSatisfy(text -> assertThat(text).isNotBlank().doesNotContain(password));
        assertThat(log).doesNotContain(password);
    }

    private Outcome render(Outcome outcome, Path report) throws IOException {
        rendered.add(Files.readString(report));
        rendered.add(Reports.summary(outcome));
        rendered.add(outcome.toString());
        if (!outcome.verdict().isSuccess()) {
            rendered.add(stackTrace(catchThrowable(outcome::orThrow)));
        }
        return outcome;
    }

    private void render(Throwable thrown, Class<? extends RehearsalException> expected) {
        assertThat(thrown).isInstanceOf(expected);
        rendered.add(stackTrace(thrown));
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter text = new StringWriter();
        thrown.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static ScriptEngine failing() {
        return new ScriptEngine().migration("1", "ALTER TABLE customers ADD COLUMN note text", UNIQUE_EMAIL);
    }

    private static ScriptEngine passing() {
        return new ScriptEngine().migration("1", "ALTER TABLE customers ADD COLUMN note text");
    }
}
