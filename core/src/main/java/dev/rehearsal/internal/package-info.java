/**
 * Not API: may change in any release without notice. Helpers shared by core's packages and Rehearsal's own modules
 * (JDBC plumbing, causes, range checks, durations, byte counts, PostgreSQL's parser). Left out of the javadoc; applications must
 * not use it.
 */
package dev.rehearsal.internal;
