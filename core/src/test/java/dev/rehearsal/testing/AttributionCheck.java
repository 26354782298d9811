package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.Finding;
import dev.rehearsal.outcome.Outcome;
import dev.rehearsal.report.Reports;
import dev.rehearsal.trace.StatementTrace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;

/**
 * What every engine's rehearsal of a realistic history asserts: each finding names the migration that made the change
 * it is about. The expectations are subjects — a word of the finding's message or statement, such as a column's name
 * — each with the migration that changed that object; the first subject a finding mentions decides which migration
 * it must name, and a finding that mentions none fails the check (every finding is accounted for).
 */
public final class AttributionCheck {
    private final Map<String, String> migrationBySubject = new LinkedHashMap<>();

    private AttributionCheck() {
    }

    /** An empty set of expectations. */
    public static AttributionCheck expect() {
        return new AttributionCheck();
    }

    /** Findings that mention {@code subject} (and no subject given before it) must name {@code migration}. */
    public AttributionCheck subject(String subject, String migration) {
        migrationBySubject.put(subject.toLowerCase(Locale.ROOT), migration);
        return this;
    }

    /**
     * Asserts that every finding names the migration its subject expects, that every expected migration is named by
     * some finding, and that no statement of the engine's own bookkeeping ({@code ownStatements}: text that only the
     * tool sends, such as its history table's name) is listed as a migration's.
     */
    public void verify(Outcome outcome, String... ownStatements) {
        String summary = "\n" + Reports.summary(outcome);
        SoftAssertions softly = new SoftAssertions();
        Set<String> named = new TreeSet<>();
        for (Finding finding : outcome.findings()) {
            String about = (finding.message() + " | " + finding.statement()).toLowerCase(Locale.ROOT);
            String expected = migrationBySubject.entrySet().stream().filter(e -> about.contains(e.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            softly.assertThat(expected).as("a subject for [%s] %s%s", finding.kind(), finding.message(), summary)
                    .isNotNull();
            softly.assertThat(finding.migration()).as("migration of [%s] %s", finding.kind(), finding.message())
                    .isEqualTo(expected);
            named.add(String.valueOf(finding.migration()));
        }
        softly.assertThat(named).as("migrations named by findings" + summary)
                .containsAll(new TreeSet<>(migrationBySubject.values()));
        List<String> bookkeeping = outcome.statements().stream().filter(s -> s.migration() != null)
                .map(StatementTrace::sql).filter(sql -> List.of(ownStatements).stream()
                        .anyMatch(own -> sql.toLowerCase(Locale.ROOT).contains(own.toLowerCase(Locale.ROOT))))
                .toList();
        softly.assertThat(bookkeeping).as("the engine's own statements listed as a migration's").isEmpty();
        softly.assertAll();
    }
}
