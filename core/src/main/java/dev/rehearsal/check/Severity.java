package dev.rehearsal.check;

/** How much a finding matters. Any {@link #BLOCKING} finding stops promotion. */
public enum Severity {
    INFO,
    WARNING,
    BLOCKING
}
