package dev.rehearsal.check;

import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.trace.StatementTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The acknowledgements written in the migrations themselves: a SQL comment
 * {@code -- rehearsal:allow <kind>[, <kind>...]: <reason>} anywhere in a migration accepts findings of those kinds
 * for that migration. The reason is required and is reported with the finding.
 *
 * <pre>{@code
 * -- rehearsal:allow data-loss: legacy_code was copied to customers_archive by V41
 * ALTER TABLE customers DROP COLUMN legacy_code;
 * }</pre>
 */
final class Acknowledgements {
    private static final Pattern ALLOW = Pattern.compile(
            "rehearsal:allow\\s+([a-z][a-z0-9-]*(?:\\s*,\\s*[a-z][a-z0-9-]*)*)[ \\t]*(?::|—|-{1,2})?[ \\t]*"
                    + "([^\\r\\n]*?)[ \\t]*(?:\\*/|$)", Pattern.MULTILINE);

    /** One {@code rehearsal:allow} comment. */
    public record Acknowledgement(String migration, Set<String> kinds, String reason) {
        public boolean justified() {
            return reason != null && reason.strip().length() >= 3;
        }
    }

    private final Map<String, List<Acknowledgement>> byMigration;

    private Acknowledgements(Map<String, List<Acknowledgement>> byMigration) {
        this.byMigration = byMigration;
    }

    /** Reads the acknowledgements from the statements of each migration. */
    static Acknowledgements in(List<StatementTrace> statements) {
        Map<String, List<Acknowledgement>> found = new HashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (StatementTrace statement : statements) {
            if (statement.migration() != null && statement.sql() != null) {
                read(statement.migration(), statement.sql(), found, seen);
            }
        }
        return new Acknowledgements(found);
    }

    /** Reads the acknowledgements from a migration's whole text (a script that did not run, say). */
    static Acknowledgements inText(String migration, String sql) {
        Map<String, List<Acknowledgement>> found = new HashMap<>();
        read(migration, sql, found, new LinkedHashSet<>());
        return new Acknowledgements(found);
    }

    private static void read(String migration, String sql, Map<String, List<Acknowledgement>> found,
                             Set<String> seen) {
        Matcher matcher = ALLOW.matcher(sql);
        while (matcher.find()) {
            if (!seen.add(migration + "\n" + matcher.group())) {
                continue;
            }
            Set<String> kinds = new LinkedHashSet<>(Arrays.asList(matcher.group(1).split("\\s*,\\s*")));
            found.computeIfAbsent(migration, m -> new ArrayList<>())
                    .add(new Acknowledgement(migration, kinds, matcher.group(2).strip()));
        }
    }

    /** The reason a migration gives for accepting findings of this kind, if it gives one. */
    public Optional<String> reason(String migration, String kind) {
        return byMigration.getOrDefault(migration, List.of()).stream()
                .filter(ack -> ack.justified() && ack.kinds().contains(kind))
                .map(Acknowledgement::reason)
                .findFirst();
    }

    /** Acknowledgements without a reason: not honoured, and worth telling. */
    public List<Acknowledgement> unjustified() {
        return byMigration.values().stream().flatMap(List::stream).filter(ack -> !ack.justified()).toList();
    }

    /**
     * Applies the policy and the acknowledgements to raw findings: severities from the policy, ignored kinds dropped,
     * acknowledged findings marked with their reason, and one finding for each acknowledgement without a reason.
     */
    static List<Finding> judge(List<Finding> raw, List<StatementTrace> statements, Policy policy) {
        Acknowledgements acknowledgements = in(statements);
        List<Finding> judged = new ArrayList<>();
        for (Finding finding : raw) {
            Optional<Severity> severity = policy.severity(finding.kind(), finding.severity());
            if (severity.isEmpty()) {
                continue;
            }
            Finding adjusted = finding.withSeverity(severity.get());
            if (finding.migration() != null && finding.acknowledgement() == null) {
                Optional<String> reason = acknowledgements.reason(finding.migration(), finding.kind());
                if (reason.isPresent()) {
                    adjusted = adjusted.acknowledged(reason.get());
                }
            }
            judged.add(adjusted);
        }
        for (Acknowledgement ack : acknowledgements.unjustified()) {
            Finding unjustified = new Finding(FindingKinds.UNJUSTIFIED_ACKNOWLEDGEMENT, Severity.WARNING,
                    ack.migration(), null, "rehearsal:allow " + String.join(", ", ack.kinds())
                    + " gives no reason, so it is not honoured", Map.of("kinds", List.copyOf(ack.kinds())),
                    "write the reason after the kinds: -- rehearsal:allow " + String.join(", ", ack.kinds())
                            + ": <why this is safe>");
            policy.severity(unjustified.kind(), unjustified.severity())
                    .ifPresent(s -> judged.add(unjustified.withSeverity(s)));
        }
        return List.copyOf(judged);
    }
}
