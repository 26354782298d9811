package dev.rehearsal.check;

import dev.rehearsal.catalog.Table;
import dev.rehearsal.catalog.Table.Column;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.internal.Sql;
import dev.rehearsal.trace.ContentFingerprint;
import dev.rehearsal.trace.ContentFingerprint.ContentHash;
import dev.rehearsal.trace.StatementTrace;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a dropped table or column that held data lives on in another that replaces it — the swap: copy the values
 * into a new column (or table), drop the old one, rename the new one — by content, not by name. The content at the
 * drop is the tracer's {@link ContentFingerprint}; the candidates after the migrations are the columns of the same
 * table that the migrations added or renamed into the dropped one's name, and the tables that now carry the dropped
 * table's name or that the migrations created. Each is hashed the same way, on the migrated branch, until one
 * matches. When none does, the loss tells how the one that now carries the dropped name differs; a new column or
 * table of another name may be unrelated, and is not mentioned.
 *
 * <p>Cost: one scan of each candidate whose count of values (rows) is not already known to differ, at most
 * {@value #MAX_HASHED} per dropped object, none for a table larger than {@link ContentHash#MAX_TABLE_BYTES}.
 */
final class ContentMoves {
    /** Candidates hashed per dropped table or column, at most. */
    static final int MAX_HASHED = 3;

    /**
     * What the comparison found for one dropped table or column.
     *
     * @param moved    the {@code content-moved} finding when a replacement holds the same content
     * @param why      what a {@code data-loss} message adds: which replacement was compared and how it differs, or
     *                 why it was not compared; empty when there was nothing to compare with
     * @param evidence what a {@code data-loss} finding's evidence adds
     */
    record Comparison(Optional<Finding> moved, String why, Map<String, Object> evidence) {
        static final Comparison NONE = new Comparison(Optional.empty(), "", Map.of());

        /** The evidence of the {@code data-loss} finding, with what the comparison adds. */
        Map<String, Object> addedTo(Map<String, Object> lossEvidence) {
            lossEvidence.putAll(evidence);
            return lossEvidence;
        }
    }

    /** One possible replacement: a table, or a column of a table, as it is after the migrations. */
    /**
     * @param replaces true when it now carries the dropped one's name: only such a candidate is worth telling about
     *                 when its content differs (a new column of another name may be unrelated)
     */
    private record Candidate(Table table, Column column, String how, boolean replaces) {
        String name() {
            return column == null ? table.qualifiedName() : table.qualifiedName(column.name());
        }

        /** Its rows (values), when the catalog counted them; null when unknown or estimated. */
        Long counted() {
            if (table.estimated()) {
                return null;
            }
            return column == null ? table.rowCount() : column.nonNullCount();
        }

        String quotedTable() {
            return Sql.quote(table.schema()) + "." + Sql.quote(table.name());
        }
    }

    private ContentMoves() {
    }

    /** A table that existed before the migrations with {@code rows} rows, and is gone after them. */
    static Comparison ofTable(CheckContext context, Table old, long rows) {
        Optional<ContentFingerprint> fingerprint = fingerprint(context, old.oid(), 0);
        if (rows == 0 || fingerprint.isEmpty()) {
            return Comparison.NONE;
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Table table : context.after().tables()) {
            boolean sameName = table.schema().equals(old.schema()) && table.name().equals(old.name());
            boolean created = context.before().tableByOid(table.oid()).isEmpty();
            boolean holdsTheColumns = fingerprint.get().columns().stream().allMatch(c -> table.column(c).isPresent());
            if ((sameName || created) && holdsTheColumns) {
                candidates.add(new Candidate(table, null, sameName ? "which now has its name"
                        : "which the migrations created", sameName));
            }
        }
        candidates.sort(Comparator.comparing(c -> !c.replaces()));
        return compare(context, fingerprint.get(), "table " + old.qualifiedName(), "rows", candidates);
    }

    /**
     * A column with {@code values} values before the migrations, gone after them, of a table that exists before and
     * after them ({@code old}, {@code now}).
     */
    static Comparison ofColumn(CheckContext context, Table old, Column column, long values, Table now) {
        Optional<ContentFingerprint> fingerprint = fingerprint(context, old.oid(), column.position());
        if (values == 0 || fingerprint.isEmpty() || !fingerprint.get().key().stream().allMatch(k -> now.column(k).isPresent())) {
            return Comparison.NONE;
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Column current : now.columns()) {
            Optional<Column> was = old.columns().stream().filter(c -> c.position() == current.position()).findFirst();
            if (was.isEmpty()) {
                candidates.add(new Candidate(now, current, "which the migrations added",
                        current.name().equals(column.name())));
            } else if (current.name().equals(column.name())) {
                candidates.add(new Candidate(now, current, "renamed from " + was.get().name(), true));
            }
        }
        candidates.sort(Comparator.comparing(c -> !c.replaces()));
        return compare(context, fingerprint.get(), "column " + old.qualifiedName(column.name()), "values",
                candidates);
    }

    /** The fingerprint of the last statement that dropped it and did not fail. */
    private static Optional<ContentFingerprint> fingerprint(CheckContext context, long tableOid, int columnNumber) {
        Optional<ContentFingerprint> found = Optional.empty();
        for (ContentFingerprint fingerprint : context.fingerprints()) {
            if (fingerprint.tableOid() == tableOid && fingerprint.columnNumber() == columnNumber
                    && statement(context, fingerprint).map(s -> !s.failed()).orElse(false)) {
                found = Optional.of(fingerprint);
            }
        }
        return found;
    }

    private static Optional<StatementTrace> statement(CheckContext context, ContentFingerprint fingerprint) {
        return context.statements().stream().filter(s -> s.sequence() == fingerprint.sequence()).findFirst();
    }

    private static Comparison compare(CheckContext context, ContentFingerprint fingerprint, String dropped,
                                      String unit, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return Comparison.NONE;
        }
        Candidate first = candidates.get(0);
        if (fingerprint.content() == null) {
            return first.replaces() ? notCompared(first, fingerprint.skipped()) : Comparison.NONE;
        }
        ContentHash expected = fingerprint.content();
        Candidate closest = null;
        Long closestCount = null;
        int hashed = 0;
        try (Connection connection = context.branch().getConnection()) {
            for (Candidate candidate : candidates) {
                Long counted = candidate.counted();
                if (counted != null && counted != expected.rows()) {
                    if (closest == null && candidate.replaces()) {
                        closest = candidate;
                        closestCount = counted;
                    }
                    continue;
                }
                if (hashed == MAX_HASHED) {
                    break;
                }
                Optional<String> tooLarge = ContentHash.tooLarge(connection, candidate.table().oid(),
                        ContentHash.MAX_TABLE_BYTES);
                if (tooLarge.isPresent()) {
                    if (closest == null && candidate.replaces()) {
                        return notCompared(candidate, tooLarge.get());
                    }
                    continue;
                }
                hashed++;
                ContentHash found = candidate.column() == null
                        ? ContentHash.of(connection, candidate.quotedTable(), List.of(), fingerprint.columns(), null)
                        : ContentHash.of(connection, candidate.quotedTable(), fingerprint.key(),
                                List.of(candidate.column().name()), candidate.column().name());
                if (found.equals(expected)) {
                    return new Comparison(Optional.of(moved(context, fingerprint, dropped, unit, candidate)), "",
                            Map.of());
                }
                if (candidate.replaces() && (closest == null
                        || closestCount != expected.rows() && found.rows() == expected.rows())) {
                    closest = candidate;
                    closestCount = found.rows();
                }
            }
        } catch (SQLException e) {
            return first.replaces() ? notCompared(first, "hashing it failed: " + e.getMessage()) : Comparison.NONE;
        }
        if (closest == null) {
            return Comparison.NONE;
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("comparedWith", closest.name());
        evidence.put(unit + "There", closestCount);
        evidence.put("sameContent", false);
        String difference = closestCount == expected.rows() ? ", but not the same ones (content hash differs)"
                : ", not " + expected.rows();
        return new Comparison(Optional.empty(), "; " + closest.name() + " (" + closest.how() + ") holds "
                + closestCount + " " + unit + difference, evidence);
    }

    private static Comparison notCompared(Candidate candidate, String why) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("comparedWith", candidate.name());
        evidence.put("contentNotCompared", why);
        return new Comparison(Optional.empty(), "; its content was not compared with " + candidate.name() + ": " + why,
                evidence);
    }

    private static Finding moved(CheckContext context, ContentFingerprint fingerprint, String dropped, String unit,
                                 Candidate candidate) {
        Optional<StatementTrace> drop = statement(context, fingerprint);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put(dropped.startsWith("table") ? "table" : "column", dropped.substring(dropped.indexOf(' ') + 1));
        evidence.put(fingerprint.ofTable() ? "rows" : "nonNullValues", fingerprint.content().rows());
        evidence.put("replacedBy", candidate.name());
        evidence.put("sameContent", true);
        if (!fingerprint.key().isEmpty()) {
            evidence.put("rowsIdentifiedBy", String.join(", ", fingerprint.key()));
        }
        return new Finding(FindingKinds.CONTENT_MOVED, Severity.INFO, drop.map(StatementTrace::migration).orElse(null),
                drop.map(StatementTrace::sql).orElse(null), dropped + " was dropped, but its "
                + fingerprint.content().rows() + " " + unit + " live on in " + candidate.name() + " ("
                + candidate.how() + "): the same content, by a hash of " + basis(fingerprint)
                + " at the drop and after the migrations", evidence, null);
    }

    private static String basis(ContentFingerprint fingerprint) {
        if (fingerprint.ofTable()) {
            return "every row";
        }
        return fingerprint.key().isEmpty() ? "every value (without a primary key, not of which row holds it)"
                : "every value with its row's primary key";
    }
}
