package dev.rehearsal.check;

import java.util.Locale;
import java.util.regex.Pattern;

/** How to do a dangerous thing safely, chosen by what the statement does. */
final class Remedies {
    private static final Pattern CREATE_INDEX = Pattern.compile("\\bcreate\\s+(unique\\s+)?index\\b(?!\\s+concurrently)");
    private static final Pattern FOREIGN_KEY = Pattern.compile("\\bforeign\\s+key\\b|\\breferences\\b");
    private static final Pattern CHECK = Pattern.compile("\\bcheck\\s*\\(");
    private static final Pattern SET_NOT_NULL = Pattern.compile("\\bset\\s+not\\s+null\\b");
    private static final Pattern NOT_NULL_COLUMN = Pattern.compile("\\badd\\s+(column\\s+)?.*\\bnot\\s+null\\b");
    private static final Pattern ALTER_TYPE = Pattern.compile("\\b(set\\s+data\\s+)?type\\b");
    private static final Pattern ADD_COLUMN = Pattern.compile("\\badd\\s+(column\\b|(?!constraint)\\w+\\s)");
    private static final Pattern VACUUM_FULL = Pattern.compile("\\bvacuum\\s+(\\(.*full.*\\)|full)\\b|\\bcluster\\b");
    private static final Pattern REINDEX = Pattern.compile("\\breindex\\b(?!.*\\bconcurrently\\b)");
    private static final Pattern UNIQUE = Pattern.compile("\\bunique\\b|\\bprimary\\s+key\\b");
    private static final Pattern PRIMARY_KEY_USING_INDEX = Pattern.compile("\\bprimary\\s+key\\s+using\\s+index\\b");
    private static final Pattern USING_INDEX = Pattern.compile("\\busing\\s+index\\b");
    private static final Pattern NOT_VALID = Pattern.compile("\\bnot\\s+valid\\b");

    static final String DROP_TABLE = "keep the table until its data is archived or migrated, and drop it in a later "
            + "release";
    static final String DROP_COLUMN = "copy the values elsewhere first if they are still needed, and drop the column "
            + "only after no application version reads it";
    static final String TRUNCATE = "archive the rows first, or delete only what must go";
    static final String DELETE_MANY = "archive the rows first (WITH gone AS (DELETE ... RETURNING *) INSERT INTO an "
            + "archive table SELECT * FROM gone), or delete them in batches outside the migration (a job); if they are "
            + "meant to go, acknowledge it: -- rehearsal:allow data-loss: <why>";
    static final String BATCHES = "backfill in batches of a few thousand rows, each committed on its own (outside the "
            + "schema migration's transaction, e.g. a non-transactional migration or a job)";
    static final String NARROWING = "check every value fits first, or keep the wider type";

    private Remedies() {
    }

    static String forLock(String sql) {
        String s = normalized(sql);
        if (CREATE_INDEX.matcher(s).find()) {
            return "build the index with CREATE INDEX CONCURRENTLY, in a migration of its own (it cannot run inside a "
                    + "transaction); it does not block writes";
        }
        if ((FOREIGN_KEY.matcher(s).find() || CHECK.matcher(s).find()) && NOT_VALID.matcher(s).find()) {
            // added NOT VALID as it should be, but validated before the commit: the lock of the ADD is still held
            return "the constraint is added NOT VALID already: move its VALIDATE CONSTRAINT to a migration of its own "
                    + "(a transaction of its own); in this one, the lock ADD CONSTRAINT took is held through the "
                    + "validation's scan";
        }
        if (FOREIGN_KEY.matcher(s).find()) {
            return "add the foreign key NOT VALID (no scan, brief lock), then ALTER TABLE ... VALIDATE CONSTRAINT in "
                    + "a later migration: validation does not block writes";
        }
        if (SET_NOT_NULL.matcher(s).find()) {
            return "first ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT it (no "
                    + "write-blocking scan); SET NOT NULL then uses the valid check and skips the scan; drop the check "
                    + "afterwards";
        }
        if (CHECK.matcher(s).find()) {
            return "add the CHECK constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration: validation "
                    + "does not block writes";
        }
        if (PRIMARY_KEY_USING_INDEX.matcher(s).find()) {
            // the index is already there, built concurrently: what scans is the NOT NULL the key needs
            return "the index is ready; what scans the table is the NOT NULL a primary key needs on columns that "
                    + "allow NULL: first ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT "
                    + "it (no write-blocking scan) and SET NOT NULL (which then skips the scan), then ADD PRIMARY KEY "
                    + "USING INDEX";
        }
        if (UNIQUE.matcher(s).find() && !USING_INDEX.matcher(s).find()) {
            return "create a UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (brief lock)";
        }
        if (REINDEX.matcher(s).find()) {
            return "rebuild with REINDEX ... CONCURRENTLY, in a migration of its own run outside a transaction; it "
                    + "does not block writes";
        }
        return "keep the lock short: do the long work outside the transaction that takes the lock, and set "
                + "lock_timeout so the migration gives up rather than queue every query behind it";
    }

    /** For a lock its transaction keeps while later statements work on other tables. */
    static String forLockHeldAcrossStatements(String relation) {
        return "end the transaction before the long work: put the change to " + relation + " in a migration of its "
                + "own (or last in this one, so that its lock is taken just before the commit), and set lock_timeout";
    }

    static String forRewrite(String sql, String kind) {
        String s = normalized(sql);
        if (kind.equals("index") || REINDEX.matcher(s).find()) {
            return "rebuild indexes with REINDEX INDEX CONCURRENTLY (or create a new index CONCURRENTLY and drop the "
                    + "old one)";
        }
        if (VACUUM_FULL.matcher(s).find()) {
            return "VACUUM FULL and CLUSTER lock the table for the whole copy: use plain VACUUM, or an online tool "
                    + "such as pg_repack";
        }
        if (ADD_COLUMN.matcher(s).find() && !ALTER_TYPE.matcher(s).find()) {
            return "add the column without a volatile default (a constant default needs no rewrite since "
                    + "PostgreSQL 11), then fill it in batches";
        }
        if (ALTER_TYPE.matcher(s).find()) {
            return "add a new column of the new type, backfill it in batches, switch the application over, then drop "
                    + "the old column (widening varchar or dropping its limit needs no rewrite)";
        }
        return "avoid rewriting a table with data under an ACCESS EXCLUSIVE lock: copy in batches into a new table or "
                + "column instead";
    }

    static String forNotNullColumn(String sql) {
        return NOT_NULL_COLUMN.matcher(normalized(sql)).find()
                ? "give the new NOT NULL column a default, so that the running application's inserts keep working"
                : "make the column NOT NULL only after every version of the application writes it";
    }

    static String normalized(String sql) {
        return sql == null ? "" : sql.replaceAll("--[^\\n]*", " ").replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** What to do about a migration that failed on the branch with this SQLSTATE. */
    static String forFailure(String sqlState) {
        if (sqlState == null) {
            return "fix the migration and rehearse again";
        }
        return switch (sqlState) {
            case "23505" -> "remove or merge the duplicate rows first (the server's detail names one key), in an "
                    + "earlier migration or by hand, then add the unique index or constraint";
            case "23502" -> "fill the NULLs first (UPDATE ... SET column = default in batches), then add NOT NULL";
            case "23503" -> "delete or fix the rows whose reference does not exist, or add the key NOT VALID and "
                    + "clean up before VALIDATE";
            case "23514" -> "fix the rows that violate the check, or add it NOT VALID and clean up before VALIDATE";
            case "22P02", "22003", "22008", "22007" -> "clean the values that do not convert, or convert with "
                    + "USING (CASE ... END) that maps them explicitly";
            case "22001" -> "shorten or widen first: some values are longer than the new type allows";
            case "55P03", "57014" -> "the migration waited too long for a lock or ran too long: see the statement";
            default -> sqlState.startsWith("42") ? "the migration refers to something that does not exist or is "
                    + "not allowed on the target: fix the SQL"
                    : "fix the migration and rehearse again";
        };
    }
}
