package dev.rehearsal.branch;

import dev.rehearsal.api.BranchException;
import dev.rehearsal.api.Setting;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The template branch provider cannot copy a database while other sessions are connected to it. Rehearsal never
 * terminates them; {@link #sessions()} lists them so that their owner can be found.
 */
public class TargetInUseException extends BranchException {
    private static final long serialVersionUID = 1L;

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
                + "database in use: " + Setting.BRANCH_PROVIDER.spelled("snapshot-copy")
                + " (SnapshotCopyBranchProvider: pg_dump/pg_restore of one snapshot; the copy takes time in "
                + "proportion to the data).";
    }
}
