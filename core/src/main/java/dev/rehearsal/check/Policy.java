package dev.rehearsal.check;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.Setting;
import dev.rehearsal.check.Finding.Severity;
import dev.rehearsal.internal.Durations;
import dev.rehearsal.internal.Ranges;
import dev.rehearsal.trace.StatementTrace;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What counts, and how much: the severity of each finding kind and the thresholds of the built-in checks.
 * Immutable; start from {@link #defaults()}.
 *
 * <pre>{@code
 * Policy policy = Policy.builder()
 *         .severity(FindingKinds.BREAKING_CHANGE, Severity.BLOCKING)   // we deploy without downtime windows
 *         .lockThreshold(Duration.ofMillis(200))
 *         .ignore(FindingKinds.LARGE_BACKFILL)
 *         .build();
 * }</pre>
 *
 * <p>A finding that its migration acknowledges — a SQL comment {@code -- rehearsal:allow <kind>: <reason>} anywhere
 * in the migration's statements — is reported with the reason and does not block.
 */
public final class Policy {
    /** The severity of a kind of finding, e.g. {@code --severity rows-deleted=blocking} in the CLI. */
    public static final Setting SEVERITIES = Setting.rehearsal("severities", "Policy.builder().severity(...)");
    /** {@link Builder#minRows(long)}. */
    public static final Setting MIN_ROWS = Setting.rehearsal("minRows", "Policy.builder().minRows(...)");
    /** {@link Builder#lockThreshold(Duration)}. */
    public static final Setting LOCK_THRESHOLD = Setting.rehearsal("lockThreshold",
            "Policy.builder().lockThreshold(...)");
    /** {@link Builder#rowsUnderLock(long)}. */
    public static final Setting ROWS_UNDER_LOCK = Setting.rehearsal("rowsUnderLock",
            "Policy.builder().rowsUnderLock(...)");
    /** {@link Builder#backfillRows(long)}. */
    public static final Setting BACKFILL_ROWS = Setting.rehearsal("backfillRows", "Policy.builder().backfillRows(...)");
    /** {@link Builder#deleteFraction(double)}. */
    public static final Setting DELETE_FRACTION = Setting.rehearsal("deleteFraction",
            "Policy.builder().deleteFraction(...)");

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Map<String, Severity> DEFAULT_SEVERITIES = Map.ofEntries(
            Map.entry(FindingKinds.FAILED_ON_DATA, Severity.BLOCKING),
            Map.entry(FindingKinds.MIGRATION_FAILED, Severity.BLOCKING),
            Map.entry(FindingKinds.TABLE_REWRITE, Severity.BLOCKING),
            Map.entry(FindingKinds.BLOCKING_LOCK, Severity.BLOCKING),
            Map.entry(FindingKinds.DATA_LOSS, Severity.BLOCKING),
            Map.entry(FindingKinds.NARROWING_TYPE_CHANGE, Severity.BLOCKING),
            Map.entry(FindingKinds.ROWS_DELETED, Severity.WARNING),
            Map.entry(FindingKinds.BREAKING_CHANGE, Severity.WARNING),
            Map.entry(FindingKinds.INVALID_INDEX, Severity.BLOCKING),
            Map.entry(FindingKinds.NOT_VALID_CONSTRAINT, Severity.WARNING),
            Map.entry(FindingKinds.LARGE_BACKFILL, Severity.WARNING),
            Map.entry(FindingKinds.ROW_LOCKS_HELD, Severity.BLOCKING),
            Map.entry(FindingKinds.UNINDEXED_FOREIGN_KEY, Severity.WARNING),
            Map.entry(FindingKinds.CHECK_ERROR, Severity.BLOCKING),
            Map.entry(FindingKinds.TARGET_CHANGED, Severity.BLOCKING),
            Map.entry(FindingKinds.UNJUSTIFIED_ACKNOWLEDGEMENT, Severity.WARNING));
    // assertion-failed has no default: each SQL assertion declares its own severity (blocking unless it says so)

    private final Map<String, Optional<Severity>> severities;
    private final long minRows;
    private final Duration lockThreshold;
    private final long rowsUnderLock;
    private final long backfillRows;
    private final double deleteFraction;

    private Policy(Builder builder) {
        this.severities = Map.copyOf(builder.severities);
        this.minRows = builder.minRows;
        this.lockThreshold = builder.lockThreshold;
        this.rowsUnderLock = builder.rowsUnderLock;
        this.backfillRows = builder.backfillRows;
        this.deleteFraction = builder.deleteFraction;
    }

    /** The defaults: see {@link Builder} for each threshold. */
    public static Policy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Applies this policy and the migrations' acknowledgements to raw findings: severities from the policy, ignored
     * kinds dropped, acknowledged findings marked with their reason ({@code -- rehearsal:allow <kind> <reason>} in the
     * migration), and one finding for each acknowledgement given without a reason.
     */
    public List<Finding> judge(List<Finding> raw, List<StatementTrace> statements) {
        return Acknowledgements.judge(raw, statements, this);
    }

    /**
     * The severity for a kind of finding, or empty when the kind is ignored. Kinds without a configured or default
     * severity (e.g. those of users' own checks) keep the severity their check gave. A finding its check proposes at
     * {@link Severity#INFO} stays there (unless its kind is ignored): the checks propose it when they see a risky
     * pattern on too little data to judge it (an empty development database), and a kind's severity is about the
     * pattern at scale.
     */
    public Optional<Severity> severity(String kind, Severity proposed) {
        Optional<Severity> configured = severities.get(kind);
        if (configured != null) {
            return proposed == Severity.INFO ? configured.map(s -> Severity.INFO) : configured;
        }
        return Optional.of(proposed == Severity.INFO ? Severity.INFO : DEFAULT_SEVERITIES.getOrDefault(kind, proposed));
    }

    /** A table "has data" from this many rows on; smaller tables are not worth a finding. */
    public long minRows() {
        return minRows;
    }

    /** A lock that blocks reads or writes of a table with data is a finding when held at least this long. */
    public Duration lockThreshold() {
        return lockThreshold;
    }

    /**
     * ...or when, while holding it, the statement scanned or rewrote at least this many rows of the table: the time
     * that takes grows with the table, so it is long in production even when the branch was quick.
     */
    public long rowsUnderLock() {
        return rowsUnderLock;
    }

    /** A single transaction that writes at least this many rows is a large backfill. */
    public long backfillRows() {
        return backfillRows;
    }

    /**
     * A migration that deletes at least this share of a table with data (or at least {@link #backfillRows()} of its
     * rows) loses data: {@code data-loss}, not {@code rows-deleted}.
     */
    public double deleteFraction() {
        return deleteFraction;
    }

    /** Configures a {@link Policy}; every setter checks its argument at once. */
    public static final class Builder {
        private final Map<String, Optional<Severity>> severities = new HashMap<>();
        private long minRows = 1;
        private Duration lockThreshold = Duration.ofSeconds(1);
        private long rowsUnderLock = 100_000;
        private long backfillRows = 100_000;
        private double deleteFraction = 0.05;

        private Builder() {
        }

        /** Sets the severity of a kind of finding (built-in, see {@link FindingKinds}, or a user check's). */
        public Builder severity(String kind, Severity severity) {
            severities.put(checkKind(kind), Optional.of(Objects.requireNonNull(severity, "severity")));
            return this;
        }

        /** Drops findings of this kind from the outcome. */
        public Builder ignore(String kind) {
            severities.put(checkKind(kind), Optional.empty());
            return this;
        }

        /** Default 1: any table with rows has data. */
        public Builder minRows(long rows) {
            this.minRows = Ranges.atLeast(MIN_ROWS, rows, 0, "");
            return this;
        }

        /** Default 1 s. */
        public Builder lockThreshold(Duration threshold) {
            this.lockThreshold = Ranges.atLeast(LOCK_THRESHOLD, threshold, Duration.ZERO, "e.g. 1s");
            return this;
        }

        /** Default 100 000 rows. */
        public Builder rowsUnderLock(long rows) {
            this.rowsUnderLock = Ranges.atLeast(ROWS_UNDER_LOCK, rows, 1, "");
            return this;
        }

        /** Default 100 000 rows. */
        public Builder backfillRows(long rows) {
            this.backfillRows = Ranges.atLeast(BACKFILL_ROWS, rows, 1, "");
            return this;
        }

        /**
         * Default 0.05: a migration that deletes 5 % of a table's rows, or {@link #backfillRows(long)} of them,
         * loses data ({@code data-loss}, blocking); smaller deletes are {@code rows-deleted}. 0 makes every delete
         * from a table with data a loss; 1, only one that empties the table (or reaches the row count).
         */
        public Builder deleteFraction(double fraction) {
            this.deleteFraction = Ranges.fraction(DELETE_FRACTION, fraction,
                    "e.g. " + DELETE_FRACTION.spelled("0.05") + " for 5 %");
            return this;
        }

        /**
         * Sets a threshold from text, as front ends take it ({@code --min-rows 1000}, {@code --lock-threshold 200ms}):
         * {@link #MIN_ROWS}, {@link #LOCK_THRESHOLD}, {@link #ROWS_UNDER_LOCK}, {@link #BACKFILL_ROWS} or
         * {@link #DELETE_FRACTION} ({@code 0.05} or {@code 5%}). A null value leaves the threshold as it is.
         *
         * @throws ConfigurationException for a value that is not one of the setting's, naming the setting as the
         *                                front end in use spells it
         * @throws IllegalArgumentException for another setting
         */
        public Builder set(Setting setting, String value) {
            if (value == null) {
                return this;
            }
            if (setting.equals(LOCK_THRESHOLD)) {
                return lockThreshold(Durations.parse(value, setting));
            } else if (setting.equals(MIN_ROWS)) {
                return minRows(rows(setting, value));
            } else if (setting.equals(ROWS_UNDER_LOCK)) {
                return rowsUnderLock(rows(setting, value));
            } else if (setting.equals(BACKFILL_ROWS)) {
                return backfillRows(rows(setting, value));
            } else if (setting.equals(DELETE_FRACTION)) {
                return deleteFraction(fraction(setting, value));
            }
            throw new IllegalArgumentException(setting + " is not a threshold of the policy");
        }

        private static long rows(Setting setting, String value) {
            try {
                return Long.parseLong(value.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(setting.spelled(value) + " is not a number of rows: give a whole "
                        + "number, e.g. " + setting.spelled("10000"));
            }
        }

        private static double fraction(Setting setting, String value) {
            String text = value.trim();
            boolean percent = text.endsWith("%");
            try {
                // BigDecimal, not Double: no NaN, Infinity or 1d to slip through
                BigDecimal number = new BigDecimal(percent ? text.substring(0, text.length() - 1).trim() : text);
                if (number.signum() < 0 || number.compareTo(percent ? HUNDRED : BigDecimal.ONE) > 0) {
                    throw new ConfigurationException(setting.spelled(value) + " must be between 0 and 1 (or 0% and "
                            + "100%), e.g. " + setting.spelled("0.05") + " for 5 %");
                }
                return (percent ? number.movePointLeft(2) : number).doubleValue();
            } catch (NumberFormatException e) {
                throw new ConfigurationException(setting.spelled(value) + " is not a fraction: give a number between "
                        + "0 and 1, e.g. " + setting.spelled("0.05") + " (or " + setting.spelled("5%") + ")");
            }
        }

        public Policy build() {
            return new Policy(this);
        }

        private static String checkKind(String kind) {
            Objects.requireNonNull(kind, "kind");
            if (!KIND.matcher(kind).matches()) {
                throw new ConfigurationException("'" + kind + "' is not a finding kind: kinds are kebab-case, "
                        + "e.g. " + FindingKinds.TABLE_REWRITE);
            }
            return kind;
        }
    }
}
