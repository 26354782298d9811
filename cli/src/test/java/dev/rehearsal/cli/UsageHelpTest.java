package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UsageHelpTest {
    @Test
    void everyCommandsHelpRendersWithoutAWarningFromPicocli() {
        PrintStream standardError = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> helps = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            collect(new CommandLine(new Main()), helps);
        } finally {
            System.setErr(standardError);
        }

        assertThat(helps).hasSizeGreaterThan(3).allSatisfy(help -> assertThat(help).startsWith("Usage: rehearsal"));
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
    }

    private static void collect(CommandLine command, List<String> helps) {
        helps.add(command.getUsageMessage());
        command.getSubcommands().values().forEach(sub -> collect(sub, helps));
    }
}
