package dev.rehearsal.junit;

/** How long one database serves. */
public enum Isolation {
    /** Every test method gets a fresh database (the default). */
    PER_METHOD,
    /** The tests of a class share one database, fresh for the class. */
    PER_CLASS
}
