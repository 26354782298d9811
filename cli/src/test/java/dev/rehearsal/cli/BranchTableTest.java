package dev.rehearsal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class BranchTableTest {
    private static final Instant NOW = Instant.parse("2026-11-30T22:41:37.123456789Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final BranchInfo alice = new BranchInfo("dev-alice", "shop", NOW.minus(Duration.ofHours(1)),
            NOW.plus(Duration.ofDays(6)).plus(Duration.ofHours(23)), "alice@laptop", "developer", false, 8_283_750L,
            "jdbc:postgresql://db:5432/dev-alice");
    private final BranchInfo neon = new BranchInfo("review-1234", "main", NOW.minus(Duration.ofDays(40)),
            Instant.parse("9999-12-31T23:59:59Z"), null, "developer", false, null,
            "jdbc:postgresql://ep-x.neon.tech/shop");

    @Test
    void theTableHasAHeaderAlignedColumnsLocalTimesRelativeExpiriesAndReadableSizes() {
        // 40 days before 30 November, Berlin is on summer time: each time in the offset it had then
        String table = BranchTable.text(List.of(alice, neon), NOW, BERLIN);

        assertThat(table.split("\n")).containsExactly(
                "NAME         PARENT  CREATED           EXPIRES      SIZE  URL",
                "dev-alice    shop    2026-11-30 22:41  in 6d 23h  7.9 MB  jdbc:postgresql://db:5432/dev-alice",
                "review-1234  main    2026-10-22 00:41  never           -  jdbc:postgresql://ep-x.neon.tech/shop");
    }

    @Test
    void anExpiredBranchSaysHowLongAgo() {
        assertThat(Readable.relative(NOW.minus(Duration.ofMinutes(125)), NOW)).isEqualTo("2h 5m ago");
        assertThat(Readable.relative(NOW.plus(Duration.ofSeconds(30)), NOW)).isEqualTo("in 30s");
        assertThat(Readable.duration(Duration.ofMillis(300))).isEqualTo("0s");
        assertThat(Readable.duration(Duration.ofDays(2))).isEqualTo("2d");
    }

    @Test
    void jsonHasEveryFieldInIsoTimesWithTheSizeAsANumberOrNull() throws Exception {
        JsonNode branch = new ObjectMapper().readTree(Json.text(BranchTable.json(alice)));
        JsonNode unknown = new ObjectMapper().readTree(Json.text(BranchTable.json(neon)));

        assertThat(branch.get("sizeBytes").isNumber()).isTrue();
        assertThat(branch.get("sizeBytes").asLong()).isEqualTo(8_283_750L);
        assertThat(Instant.parse(branch.get("created").asText())).isEqualTo(alice.created());
        assertThat(branch.get("expires").asText()).isEqualTo("2026-12-07T21:41:37.123456789Z");
        assertThat(branch.get("kept").isBoolean()).isTrue();
        assertThat(unknown.get("sizeBytes").isNull()).isTrue();
        assertThat(unknown.get("owner").isNull()).isTrue();
        assertThat(unknown.fieldNames()).toIterable().containsExactly("name", "parent", "created", "expires",
                "owner", "purpose", "kept", "sizeBytes", "url");
    }
}
