package dev.rehearsal.outcome;

import java.time.Instant;

/**
 * The branch a run used.
 *
 * @param provider       the provider's name, e.g. {@code template}
 * @param name           the branch database's name
 * @param url            its JDBC URL, without credentials
 * @param copyMethod     how it was copied
 * @param creationMillis how long creating it took
 * @param kept           true when it was kept for debugging rather than dropped
 * @param expiresAt      when it may be reaped (meaningful when kept)
 */
public record BranchSummary(String provider, String name, String url, String copyMethod, long creationMillis,
                            boolean kept, Instant expiresAt) {
}
