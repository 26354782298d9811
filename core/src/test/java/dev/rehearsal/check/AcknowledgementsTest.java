package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.StatementTrace;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcknowledgementsTest {
    private static StatementTrace statement(String migration, String sql) {
        return new StatementTrace(1, migration, sql, Instant.EPOCH, 10, 0L, true, null, null);
    }

    private static Finding dataLoss(String migration) {
        return new Finding(FindingKinds.DATA_LOSS, Severity.BLOCKING, migration, "ALTER TABLE t DROP COLUMN c",
                "column t.c was dropped with 10 values", Map.of(), "keep it");
    }

    @Test
    void aReasonedAllowCommentAcknowledgesThatKindInThatMigrationOnly() {
        List<StatementTrace> statements = List.of(statement("7",
                "-- rehearsal:allow data-loss: c was copied to t_archive in V6\nALTER TABLE t DROP COLUMN c"));

        List<Finding> judged = Acknowledgements.judge(List.of(dataLoss("7"), dataLoss("8")), statements,
                Policy.defaults());

        assertThat(judged.get(0).acknowledgement()).isEqualTo("c was copied to t_archive in V6");
        assertThat(judged.get(0).isBlocking()).isFalse();
        assertThat(judged.get(1).acknowledgement()).isNull();
        assertThat(judged.get(1).isBlocking()).isTrue();
    }

    @Test
    void acceptsSeveralKindsAndBlockComments() {
        List<StatementTrace> statements = List.of(statement("3",
                "/* rehearsal:allow table-rewrite, blocking-lock -- tiny table, off-hours deploy */ ALTER TABLE t ..."));

        Acknowledgements acknowledgements = Acknowledgements.in(statements);

        assertThat(acknowledgements.reason("3", FindingKinds.TABLE_REWRITE)).hasValue("tiny table, off-hours deploy");
        assertThat(acknowledgements.reason("3", FindingKinds.BLOCKING_LOCK)).hasValue("tiny table, off-hours deploy");
        assertThat(acknowledgements.reason("3", FindingKinds.DATA_LOSS)).isEmpty();
    }

    @Test
    void anAllowWithoutAReasonIsNotHonouredAndSaysSo() {
        List<StatementTrace> statements = List.of(statement("7", "-- rehearsal:allow data-loss\nALTER TABLE t DROP c"));

        List<Finding> judged = Acknowledgements.judge(List.of(dataLoss("7")), statements, Policy.defaults());

        assertThat(judged).extracting(Finding::kind)
                .containsExactly(FindingKinds.DATA_LOSS, FindingKinds.UNJUSTIFIED_ACKNOWLEDGEMENT);
        assertThat(judged.get(0).isBlocking()).isTrue();
        assertThat(judged.get(1).severity()).isEqualTo(Severity.WARNING);
        assertThat(judged.get(1).remedy()).contains("-- rehearsal:allow data-loss: <why this is safe>");
    }

    @Test
    void thePolicySetsSeveritiesAndDropsIgnoredKinds() {
        Policy policy = Policy.builder().severity(FindingKinds.DATA_LOSS, Severity.WARNING)
                .ignore(FindingKinds.LARGE_BACKFILL).build();
        Finding backfill = new Finding(FindingKinds.LARGE_BACKFILL, Severity.WARNING, "7", null, "1e6 rows", null,
                null);
        Finding custom = new Finding("my-team-rule", Severity.INFO, "7", null, "fyi", null, null);

        List<Finding> judged = Acknowledgements.judge(List.of(dataLoss("7"), backfill, custom), List.of(), policy);

        assertThat(judged).extracting(Finding::kind, Finding::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FindingKinds.DATA_LOSS, Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple("my-team-rule", Severity.INFO));
    }
}
