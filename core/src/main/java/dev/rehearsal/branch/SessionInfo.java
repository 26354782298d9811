package dev.rehearsal.branch;

import java.time.Instant;

/**
 * A session connected to a database, as {@code pg_stat_activity} shows it to the current role.
 *
 * @param pid             the backend process id
 * @param user            the role, or null when not visible
 * @param applicationName the client's {@code application_name} (empty when the client set none)
 * @param clientAddress   the client's address, or null for Unix sockets or when not visible
 * @param since           when the session connected, or null when not visible
 * @param state           {@code active}, {@code idle}, {@code idle in transaction}, ...
 */
public record SessionInfo(int pid, String user, String applicationName, String clientAddress, Instant since,
                          String state) {
    /** One line for messages. */
    public String describe() {
        String app = applicationName == null || applicationName.isEmpty() ? "(no application_name)"
                : "'" + applicationName + "'";
        return "pid " + pid + ", user " + (user == null ? "(hidden)" : user) + ", application " + app
                + ", from " + (clientAddress == null ? "local socket or hidden" : clientAddress)
                + ", connected since " + (since == null ? "(hidden)" : since)
                + (state == null ? "" : " (" + state + ")");
    }
}
