package dev.rehearsal.catalog;

import dev.rehearsal.catalog.Table.Column;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A database's schema as a canonical, sorted list of lines that names objects instead of numbering them: no OIDs,
 * no attribute numbers, no sizes, files, sequence positions or data. Two databases that went through the same DDL
 * have equal fingerprints even when their OIDs differ — a branch and its parent after the same migrations, say —
 * and any difference in tables, columns (type, nullability, default, identity, generation, order), constraints,
 * indexes (validity included), triggers, views, sequences, functions, enum types or schemas shows as a line that only
 * one of them has. NOT NULL is compared through the columns, so that PostgreSQL 18's NOT NULL constraints (and
 * their generated names) do not set it apart from earlier versions — but a NOT VALID NOT NULL on 18 counts as not
 * null.
 *
 * <pre>{@code
 * List<String> missing = SchemaFingerprint.of(branchAfter).missingFrom(SchemaFingerprint.of(targetAfter));
 * }</pre>
 *
 * @param lines the schema, one object or property per line, sorted
 */
public record SchemaFingerprint(List<String> lines) {
    public SchemaFingerprint {
        lines = lines.stream().sorted().toList();
    }

    /** The fingerprint of a snapshot (its data facts and physical facts are ignored). */
    public static SchemaFingerprint of(CatalogSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        List<String> lines = new ArrayList<>();
        snapshot.schemas().forEach(schema -> lines.add("schema " + Identifiers.quote(schema)));
        for (Table table : snapshot.tables()) {
            String name = table.qualifiedName();
            lines.add(table.kind() + " " + name);
            int order = 0;
            for (Column column : table.columns()) {
                lines.add("column " + name + "." + Identifiers.quote(column.name()) + " #" + ++order + " "
                        + column.type() + (column.notNull() ? " not null" : "")
                        + optional(" default ", column.defaultExpression())
                        + optional(" identity ", column.identity()) + optional(" generated ", column.generated()));
            }
            // NOT NULL is in the column lines on every version; PostgreSQL 18 also lists it as constraints
            table.constraints().stream().filter(c -> !c.type().equals("not null"))
                    .forEach(c -> lines.add("constraint " + name + "." + Identifiers.quote(c.name()) + " " + c.type()
                            + " " + c.definition() + (c.validated() ? "" : " (not validated)")));
            table.indexes().forEach(i -> lines.add("index " + i.definition() + (i.valid() ? "" : " (INVALID)")));
            table.triggers().forEach(t -> lines.add("trigger " + t.definition() + (t.enabled() ? "" : " (disabled)")));
        }
        snapshot.views().forEach(v -> lines.add((v.materialized() ? "materialized view " : "view ") + v.qualifiedName()
                + " AS " + v.definition().strip()));
        snapshot.sequences().forEach(s -> lines.add("sequence " + s.qualifiedName() + " " + s.dataType()));
        snapshot.functions().forEach(f -> lines.add(f.kind() + " " + f.signature() + " sha256 " + f.definitionHash()));
        snapshot.enumTypes().forEach(e -> lines.add("enum " + e.qualifiedName() + " " + e.labels()));
        return new SchemaFingerprint(lines);
    }

    /** The lines of this fingerprint that {@code other} lacks, in order. Empty when {@code other} has them all. */
    public List<String> missingFrom(SchemaFingerprint other) {
        Set<String> theirs = new LinkedHashSet<>(other.lines);
        return lines.stream().filter(line -> !theirs.contains(line)).toList();
    }

    /** SHA-256 of the lines, in hex: a short form for reports and comparisons across runs. */
    public String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String line : lines) {
                sha.update(line.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String optional(String label, String value) {
        return value == null ? "" : label + value;
    }
}
