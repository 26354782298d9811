package dev.rehearsal.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.server.internal.BranchRecords.BranchRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BranchRecordsTest {
    @TempDir
    Path dataDirectory;

    @Test
    void keepsBranchesInAFileOnlyItsOwnerReads() throws Exception {
        BranchRecords records = new BranchRecords(dataDirectory);
        Instant now = Instant.parse("2026-11-30T10:00:00.123Z");
        BranchRecord made = records.add(records.newRecord("dev-alice", now.plusSeconds(3600), now));
        StoredBranch stored = new StoredBranch(made.id(), "localhost", 6001, null, null, "0/1A2B3C4", now);
        records.update(made.id(), r -> r.withStored(stored));

        BranchRecords loaded = new BranchRecords(dataDirectory);

        assertThat(made.id()).matches("br-[a-z0-9]{12}");
        assertThat(made.ttlSeconds()).isEqualTo(3600);
        assertThat(loaded.branches()).containsExactly(made.withStored(stored));
        assertThat(loaded.root().createdAt()).isEqualTo(records.root().createdAt());
        assertThat(loaded.named("main")).contains(loaded.root());
        assertThat(Files.getPosixFilePermissions(records.file()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(dataDirectory.resolve(BranchRecords.FILE + ".tmp")).doesNotExist();
    }

    @Test
    void restartsTheExpiryCountdownOnAReset() {
        BranchRecords records = new BranchRecords(dataDirectory);
        Instant created = Instant.parse("2026-11-30T10:00:00Z");
        BranchRecord made = records.add(records.newRecord("b", created.plusSeconds(600), created));
        Instant reset = created.plusSeconds(500);

        BranchRecord after = made.reset(null, reset);

        assertThat(after.lastResetAt()).isEqualTo(reset);
        assertThat(after.expiresAt()).isEqualTo(reset.plusSeconds(600));
    }

    @Test
    void refusesADuplicateName() {
        BranchRecords records = new BranchRecords(dataDirectory);
        Instant now = Instant.now();
        records.add(records.newRecord("same", null, now));

        assertThatThrownBy(() -> records.add(records.newRecord("same", null, now)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.add(records.newRecord("main", null, now)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesTheDamagedFileAndTheWayOut() throws Exception {
        Files.writeString(dataDirectory.resolve(BranchRecords.FILE), "{\"format\": 1, \"branches\": [");

        assertThatThrownBy(() -> new BranchRecords(dataDirectory)).isInstanceOf(BranchException.class)
                .hasMessageContaining(dataDirectory.resolve(BranchRecords.FILE).toString())
                .hasMessageContaining("damaged").hasMessageContaining("move it away");
    }
}
