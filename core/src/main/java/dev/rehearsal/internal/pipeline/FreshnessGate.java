package dev.rehearsal.internal.pipeline;

import dev.rehearsal.catalog.CatalogSnapshot;
import dev.rehearsal.catalog.CatalogSnapshot.SchemaFingerprint;
import dev.rehearsal.catalog.SchemaChange;
import dev.rehearsal.engine.MigrationEngine;
import dev.rehearsal.engine.MigrationPlan;
import dev.rehearsal.internal.pipeline.Promoter.Rehearsed;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The freshness gate before a promotion: the target now against the branch as it was made — its pending migrations,
 * its history and its schema. The same database, so the same OIDs, for a template copy; for a restored copy, the
 * same schema by name. What was rehearsed is promoted only if nothing changed.
 */
final class FreshnessGate {
    private FreshnessGate() {
    }

    /** What changed on the target since the branch was made; empty when nothing did. */
    static List<String> changesSince(Rehearsed rehearsed, MigrationEngine engine, DataSource target,
                                     Supplier<CatalogSnapshot> schemaOfTarget) {
        List<String> changes = new ArrayList<>();
        MigrationPlan now = engine.plan(target);
        if (!now.equals(rehearsed.plan())) {
            changes.add("pending migrations were " + rehearsed.plan().ids() + ", now " + now.ids());
        }
        List<String> history = engine.history(target);
        for (String entry : rehearsed.history()) {
            if (!history.contains(entry)) {
                changes.add("history entry gone: " + entry);
            }
        }
        for (String entry : history) {
            if (!rehearsed.history().contains(entry)) {
                changes.add("history entry added: " + entry);
            }
        }
        CatalogSnapshot schemaNow = schemaOfTarget.get();
        // A copy made by pg_restore (snapshot-copy provider) has OIDs of its own, which the diff pairs objects by:
        // when the schemas are the same by name, the differences are only those identities.
        SchemaFingerprint then = SchemaFingerprint.of(rehearsed.before());
        SchemaFingerprint current = SchemaFingerprint.of(schemaNow);
        if (!then.equals(current)) {
            if (sameObjects(rehearsed.before(), schemaNow)) {
                for (SchemaChange change : rehearsed.before().changesTo(schemaNow)) {
                    changes.add("schema: " + change.describe());
                }
            } else {
                then.missingFrom(current).forEach(line -> changes.add("schema: gone from the target: " + line));
                current.missingFrom(then).forEach(line -> changes.add("schema: new on the target: " + line));
            }
        }
        return changes;
    }

    /** True when the branch was a file-level copy of the target: its tables have the target's OIDs. */
    private static boolean sameObjects(CatalogSnapshot branch, CatalogSnapshot target) {
        return branch.tables().isEmpty() || branch.tables().stream().anyMatch(t -> target.tableByOid(t.oid())
                .filter(same -> same.qualifiedName().equals(t.qualifiedName())).isPresent());
    }
}
