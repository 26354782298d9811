package dev.rehearsal.branch;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.Setting;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The template branch provider cannot copy a database while other sessions are connected to it. Rehearsal never
 * terminates them; {@link #sessions()} lists them so that their owner can be found.
 */
public class TargetInUseException extends BranchException {
    private static final long serialVersionUID = 1L;

    /** The auto provider's option naming a branch server (AutoBranchProvider.SERVER, which depends on this package). */
    private static final Setting SERVER = Setting.branchOption("server",
            "AutoBranchProvider.builder().branchServer(...)");

    private final transient List<SessionInfo> sessions;

    public TargetInUseException(String database, List<SessionInfo> sessions, String serverDetail) {
        super(message(database, sessions, serverDetail));
        this.sessions = List.copyOf(sessions);
    }

    public List<SessionInfo> sessions() {
        return sessions;
    }

    private static String message(String database, List<SessionInfo> sessions, String serverDetail) {
        String listed = sessions.isEmpty() ? "  (they disconnected before they could be listed"
                + (serverDetail == null ? "" : "; server said: " + serverDetail) + ")"
                : sessions.stream().map(s -> "  - " + s.describe()).collect(Collectors.joining("\n"));
        return "Cannot branch database '" + database + "': PostgreSQL copies a database with CREATE DATABASE ... "
                + "TEMPLATE only while no one else is connected to it, and " + sessions.size()
                + " other session(s) are:\n" + listed + "\n"
                + "Rehearsal never terminates other sessions. Close them (stop the application or its connection "
                + "pool, or disconnect the tool) and run again, or branch it with a provider that copies a "
                + "database in use: " + Setting.BRANCH_PROVIDER.spelled("auto") + " (a template copy while the "
                + "target is free; while it is in use, the branch server given with " + SERVER.spelled("<its API URL>")
                + " — a branch in seconds whatever the size — else a snapshot copy), or "
                + Setting.BRANCH_PROVIDER.spelled("snapshot-copy") + " (pg_dump/pg_restore of one snapshot; the "
                + "copy takes time in proportion to the data).";
    }

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
}
