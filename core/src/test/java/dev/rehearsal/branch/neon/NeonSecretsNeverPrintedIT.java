package dev.rehearsal.branch.neon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.report.Reports;
import dev.rehearsal.testing.ScriptEngine;
import dev.rehearsal.testing.StandardErrorCapture;
import dev.rehearsal.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs rehearsals and branch management with {@link NeonBranchProvider} that pass, fail (keeping the branch), and
 * are refused, and looks for the Neon API key and the branch role's password (which every branch's connection URI
 * carries) in everything rendered: log lines, reports, summaries, exception messages and stack traces, and the
 * {@code toString} of the provider, outcomes, branch infos and locations.
 */
class NeonSecretsNeverPrintedIT {
    @RegisterExtension
    final TestDatabases databases = new TestDatabases();
    private final NeonTestProject neon = NeonTestProject.start(databases, NeonRehearsalIT.SHOP);
    private final List<String> rendered = new ArrayList<>();

    @AfterEach
    void stopApi() {
        neon.close();
    }

    @Test
    void neitherTheApiKeyNorTheBranchPasswordAppearsInAnyLogReportOrMessage(@TempDir Path directory)
            throws Exception {
        Path json = directory.resolve("report.json");
        Path markdown = directory.resolve("report.md");
        NeonBranchProvider provider = neon.provider().build();
        String log;
        try (StandardErrorCapture capture = StandardErrorCapture.start()) {
            neon.api.fail("POST", "/projects/.*/branches", 429, 1).fail("GET", "/projects/.*/operations/.*", 503, 1);
            render(Rehearsal.configure().target(neon.parent()).branchProvider(provider)
                    .engine(new ScriptEngine().migration("1", NeonRehearsalIT.UNIQUE_EMAIL))
                    .keepFailedBranch(Duration.ofHours(1)).reportTo(json).markdownReportTo(markdown).load().run(),
                    json, markdown);
            render(Rehearsal.configure().target(neon.parent()).branchProvider(provider)
                    .engine(new ScriptEngine().migration("1", NeonRehearsalIT.ADD_NOTE))
                    .reportTo(json).markdownReportTo(markdown).load().run(), json, markdown);

            BranchManager branches = BranchManager.of(provider, neon.parent());
            branches.create("dev-alice");
            branches.list().stream().map(BranchInfo::toString).forEach(rendered::add);
            rendered.add(branches.location("dev-alice").toString());
            rendered.add(branches.location("dev-alice").redactedUrl());
            for (BranchInfo info : branches.list()) {
                branches.delete(info.name()); // the kept branch of the failed run too
            }
            rendered.add(provider.toString());

            render(catchThrowable(() -> Rehearsal.configure().target(neon.parent())
                    .branchProvider(neon.provider("napi_" + neon.apiKey.substring(5, 20)).build())
                    .engine(new ScriptEngine().migration("2", "SELECT 1")).load().run()));
            render(catchThrowable(() -> Rehearsal.configure().target(neon.parent())
                    .branchProvider(neon.provider().parentTimestamp(Instant.now()).build())
                    .engine(new ScriptEngine().migration("2", "SELECT 1")).load().run()));
            render(catchThrowable(() -> BranchManager.of(provider, neon.parent()).reset("nobody")));
            log = capture.text();
        }

        assertThat(log).contains("Neon API answered HTTP 429", "KEPT for debugging", "PROMOTED");
        assertThat(neon.api.branchNames()).containsExactly("main");
        String encoded = URLEncoder.encode(neon.password, StandardCharsets.UTF_8);
        for (String text : rendered) {
            assertThat(text).doesNotContain(neon.apiKey, neon.password, encoded);
        }
        assertThat(log).doesNotContain(neon.apiKey, neon.password, encoded);
    }

    private void render(Outcome outcome, Path json, Path markdown) throws Exception {
        assertThat(outcome.verdict()).isIn(Verdict.PROMOTED, Verdict.FAILED_ON_BRANCH);
        rendered.add(outcome.toString());
        rendered.add(Reports.summary(outcome));
        rendered.add(Reports.json(outcome));
        rendered.add(Reports.markdown(outcome));
        rendered.add(Files.readString(json));
        rendered.add(Files.readString(markdown));
    }

    private void render(Throwable thrown) {
        assertThat(thrown).isNotNull();
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        rendered.add(thrown.toString());
        rendered.add(trace.toString());
    }
}
