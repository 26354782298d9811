package dev.rehearsal.liquibase;

import dev.rehearsal.api.ConfigurationException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import liquibase.database.Database;
import liquibase.exception.ValidationFailedException;

/**
 * What stops Liquibase's {@code update} before it starts, found while planning and said as a configuration error
 * that names the fix: the changelog is missing or does not parse, Liquibase's validation fails (an applied changeset
 * was changed, a changelog precondition fails, two changesets share an identifier), or the user may not read
 * Liquibase's tables. Settings are named in the words of the front end in use.
 */
final class PlanningErrors {
    /** One line of Liquibase's checksum report: {@code file::id::author was: 9:abc but is now: 9:def}. */
    private static final Pattern CHECKSUM = Pattern.compile("^\\s*(.+) was: (\\S+) but is now: (\\S+)\\s*$");
    private static final String PERMISSION_DENIED = "42501";

    private PlanningErrors() {
    }

    static ConfigurationException notFound(String changelog, Collection<String> searchPath) {
        return new ConfigurationException("The Liquibase changelog " + changelog + " was not found in the search path "
                + searchPath + ": correct " + LiquibaseSettings.CHANGELOG_FILE.spelled(changelog) + " (a path "
                + "relative to a search path entry), or add the directory or jar holding it with "
                + LiquibaseSettings.SEARCH_PATH.spelled());
    }

    static ConfigurationException unparsable(String changelog, Exception cause) {
        return new ConfigurationException("Liquibase cannot read the changelog " + changelog + ": "
                + messageOf(cause) + "\nFix the changelog (liquibase validate reports the same); nothing was changed",
                cause);
    }

    /** Liquibase's validation failed: its report, each checksum mismatch reworded with the ways out. */
    static ConfigurationException invalid(String changelog, ValidationFailedException failure) {
        StringBuilder message = new StringBuilder("Liquibase's validation of " + changelog + " against the target "
                + "failed, so liquibase update would refuse it too; nothing was changed.");
        List<String> changed = new ArrayList<>();
        String recorded = "its recorded checksum";
        for (String line : failure.getInvalidMD5Sums()) {
            Matcher checksum = CHECKSUM.matcher(line);
            if (checksum.matches()) {
                changed.add("changeset " + checksum.group(1) + " was changed after it was applied: DATABASECHANGELOG "
                        + "records checksum " + checksum.group(2) + ", the changelog now gives " + checksum.group(3));
                recorded = failure.getInvalidMD5Sums().size() == 1 ? checksum.group(2) : recorded;
            } else {
                changed.add(line.strip());
            }
        }
        changed.forEach(line -> message.append("\n- ").append(line));
        if (!changed.isEmpty()) {
            message.append("\nUndo the edit. Or, if the target already has what the changeset now says, accept the "
                    + "edit with validCheckSum " + recorded + " on the changeset (<validCheckSum> in XML, "
                    + "validCheckSum: in YAML and JSON, --validCheckSum: in formatted SQL; ANY accepts any edit); or "
                    + "mark it runOnChange: true to apply it again whenever it changes");
        }
        String others = othersThanChecksums(failure.getMessage());
        if (!others.isBlank()) {
            message.append("\n").append(others.strip());
            if (others.contains("duplicate identifiers")) {
                message.append("\nGive each changeset an id and author that no other changeset of its file has");
            }
            if (others.contains("preconditions")) {
                message.append("\nThe changelog's preconditions do not hold on the target: correct the target or "
                        + "the precondition, or set its onFail/onError to WARN to go on anyway, as Liquibase would");
            }
        }
        return new ConfigurationException(message.toString(), failure);
    }

    /** Whether PostgreSQL refused to let the user read something (SQLSTATE 42501). */
    static boolean isPermissionDenied(Throwable failure) {
        return permissionDeniedIn(failure) != null;
    }

    /** The user may not read Liquibase's tables: which grant is missing, to whom. */
    static ConfigurationException permissionDenied(Throwable failure, Database database) {
        SQLException denied = permissionDeniedIn(failure);
        String user = database.getConnection() == null ? null : database.getConnection().getConnectionUserName();
        String history = database.escapeTableName(database.getLiquibaseCatalogName(),
                database.getLiquibaseSchemaName(), database.getDatabaseChangeLogTableName());
        String lock = database.escapeTableName(database.getLiquibaseCatalogName(), database.getLiquibaseSchemaName(),
                database.getDatabaseChangeLogLockTableName());
        String grantee = user == null ? "<user>" : user;
        return new ConfigurationException("The user " + grantee + " may not read Liquibase's tables on the target ("
                + (denied == null ? "permission denied" : denied.getMessage().lines().findFirst().orElse(""))
                + ", SQLSTATE " + PERMISSION_DENIED + "): Rehearsal reads them to know what is pending, as Liquibase "
                + "does. Grant it SELECT on them: GRANT SELECT ON " + history + ", " + lock + " TO " + grantee
                + " (to migrate, Liquibase also needs INSERT and UPDATE on them), or run as their owner",
                failure);
    }

    private static SQLException permissionDeniedIn(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && PERMISSION_DENIED.equals(sql.getSQLState())) {
                return sql;
            }
        }
        return null;
    }

    /** Liquibase's validation report without its checksum section, which {@link #invalid} says in its own words. */
    private static String othersThanChecksums(String report) {
        StringBuilder others = new StringBuilder();
        for (String line : report.split("\\R")) {
            boolean checksum = CHECKSUM.matcher(line).matches() || line.strip().matches("\\d+ changesets check sum")
                    || line.strip().equals("Validation Failed:");
            if (!checksum && !line.isBlank()) {
                others.append(line.strip()).append('\n');
            }
        }
        return others.toString();
    }

    /** The exception's own message (Liquibase's parsers write whole sentences), else its cause's. */
    private static String messageOf(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().strip();
            }
        }
        return failure.toString();
    }
}
