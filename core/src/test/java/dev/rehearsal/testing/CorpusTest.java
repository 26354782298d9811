package dev.rehearsal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.FindingKinds;
import dev.rehearsal.outcome.Verdict;
import dev.rehearsal.testing.Corpus.Scenario;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The corpus is well formed before any adapter rehearses it (adapters' corpus tests do that). */
class CorpusTest {
    private static final Set<String> KINDS = Arrays.stream(FindingKinds.class.getFields())
            .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
            .map(CorpusTest::value)
            .collect(Collectors.toSet());

    private final List<Scenario> scenarios = Corpus.scenarios();

    @Test
    void holdsAtLeastThirtyScenariosWithUniqueNumbersAndDescriptions() {
        assertThat(scenarios).hasSizeGreaterThanOrEqualTo(30);
        assertThat(scenarios).extracting(s -> s.name().substring(0, 2)).doesNotHaveDuplicates();
        assertThat(scenarios).extracting(Scenario::description).doesNotHaveDuplicates();
    }

    @Test
    void offersTheSeedAsTextForToolsThatConvertIt() {
        assertThat(Corpus.seedFiles()).containsKeys("V1__schema.sql", "V2__data.sql")
                .hasEntrySatisfying("V2__data.sql", sql -> assertThat(sql).contains("generate_series(1, 100000)"));
    }

    @Test
    void expectsOnlyKindsThatRehearsalsChecksReport() {
        assertThat(scenarios).allSatisfy(scenario -> assertThat(KINDS).as(scenario.name())
                .containsAll(scenario.findings()));
    }

    @Test
    void expectsTheFailureOfEveryFailedScenarioAndNothingElseOfIt() {
        assertThat(scenarios).filteredOn(s -> s.verdict() == Verdict.FAILED_ON_BRANCH).isNotEmpty()
                .allSatisfy(scenario -> {
                    assertThat(scenario.findings()).as(scenario.name()).containsExactly(FindingKinds.FAILED_ON_DATA);
                    assertThat(scenario.sqlState()).as(scenario.name()).matches("[0-9A-Z]{5}");
                });
    }

    @Test
    void coversEveryVerdictAndTheAcknowledgementCases() {
        assertThat(scenarios).extracting(Scenario::verdict)
                .contains(Verdict.PASSED, Verdict.BLOCKED, Verdict.FAILED_ON_BRANCH);
        assertThat(scenarios).anySatisfy(s -> assertThat(s.acknowledged()).contains(FindingKinds.DATA_LOSS));
        assertThat(scenarios).anySatisfy(s -> assertThat(s.findings())
                .contains(FindingKinds.UNJUSTIFIED_ACKNOWLEDGEMENT));
    }

    @Test
    void everyScenarioMigratesAfterTheSeedAndConfiguresOnlyItsOwnScripts() {
        assertThat(scenarios).allSatisfy(scenario -> {
            assertThat(scenario.files()).as(scenario.name()).isNotEmpty();
            scenario.files().keySet().forEach(file -> {
                assertThat(Integer.parseInt(file.substring(1, file.indexOf('_')))).as(file).isGreaterThanOrEqualTo(3);
                if (file.endsWith(".conf")) {
                    assertThat(scenario.files()).as(file).containsKey(file.substring(0, file.length() - 5));
                }
            });
        });
    }

    @Test
    void everyScriptThatCannotRunInATransactionSaysSo() {
        assertThat(scenarios).allSatisfy(scenario -> scenario.scripts().forEach(script -> {
            String sql = scenario.files().get(script).toUpperCase(Locale.ROOT);
            if (sql.contains("CONCURRENTLY") || sql.contains("VACUUM")) {
                assertThat(scenario.runsInTransaction(script)).as(scenario.name() + "/" + script).isFalse();
            }
        }));
        assertThat(scenarios).anySatisfy(scenario -> assertThat(scenario.scripts())
                .allMatch(scenario::runsInTransaction));
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
