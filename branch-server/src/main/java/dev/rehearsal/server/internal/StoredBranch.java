package dev.rehearsal.server.internal;

import java.time.Instant;

/**
 * A branch as its store made it: where it accepts connections, and the point of the source it is a copy of.
 *
 * @param id       the branch's id (Neon's form, {@code br-...}), also the name of its copy in the store
 * @param host     the host clients connect to
 * @param port     its port, kept across Branch Reset
 * @param database the database clients connect to
 * @param role     the role clients connect as (the source's; its password is the source's)
 * @param point    the point of the source the copy is of: an LSN ({@code 0/1A2B3C4}) or a mirror's name
 * @param copiedAt when the copy was made
 */
public record StoredBranch(String id, String host, int port, String database, String role, String point,
                           Instant copiedAt) {
}
