package dev.rehearsal.server;

import java.time.Instant;

/**
 * What a branch server reports about its mirror (its status call, {@link BranchServer#status()}). Fields that do not apply to the store's mode are null.
 *
 * @param mode                {@code physical} or {@code logical}
 * @param copyMethod          how branches are copied, e.g. {@code "reflink clone (copy-on-write, XFS)"} or
 *                            {@code "plain file copy (no copy-on-write file system: in proportion to the size)"}
 * @param copyOnWrite         whether branches share the mirror's blocks
 * @param sourceMajor         the source's PostgreSQL major version
 * @param mirrorLsn           physical: the standby's last replayed LSN
 * @param replayLagBytes      physical: bytes of WAL the source has written that the standby has not replayed
 * @param replayLagSeconds    physical: seconds since the last transaction the standby replayed committed on the
 *                            source (0 when the standby has replayed all it received)
 * @param slotName            physical: the replication slot on the source
 * @param slotRetainedBytes   physical: WAL the source keeps for the slot
 * @param slotWalStatus       physical: the slot's {@code wal_status} ({@code reserved}, {@code extended},
 *                            {@code unreserved}, {@code lost})
 * @param mirrorRefreshedAt   logical: when the mirror in use was copied from the source
 * @param mirrorAgeSeconds    logical: its age
 * @param refreshing          logical: whether a refresh is under way
 * @param lastRefreshError    logical: why the last refresh failed, if it did
 * @param dataDirectory       the server's data directory
 * @param diskUsedBytes       bytes in use on the data directory's file system
 * @param diskFreeBytes       bytes free there
 */
public record MirrorStatus(String mode, String copyMethod, boolean copyOnWrite, int sourceMajor, String mirrorLsn,
                          Long replayLagBytes, Double replayLagSeconds, String slotName, Long slotRetainedBytes,
                          String slotWalStatus, Instant mirrorRefreshedAt, Long mirrorAgeSeconds, Boolean refreshing,
                          String lastRefreshError, String dataDirectory, long diskUsedBytes, long diskFreeBytes) {
}
