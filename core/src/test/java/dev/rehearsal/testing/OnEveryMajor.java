package dev.rehearsal.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test whose behaviour depends on the server's major version: besides running on PostgreSQL 18 with every other
 * test, it runs once more on each of PostgreSQL 14, 15, 16 and 17 (core's failsafe executions {@code pg14}…
 * {@code pg17}, {@link TestPostgres#MAJOR_PROPERTY}), on {@link TestPostgres#shared()}. It must pass on each,
 * asserting what differs between them rather than skipping a version. Only these tests run in the matrix, which keeps
 * its cost to the build small: those that read what differs by version (the catalog, the statistics counters, locks,
 * relation file nodes, the server log, how a database is copied, which settings a role may copy) and, for rehearsal,
 * checks and promotion, the cases that put those readings together end to end; not the ones whose outcome is
 * Rehearsal's own logic on readings already covered (they run on 18).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(OnEveryMajor.TAG)
public @interface OnEveryMajor {
    /** The JUnit tag the matrix executions select ({@code <groups>}). */
    String TAG = "every-major";
}
