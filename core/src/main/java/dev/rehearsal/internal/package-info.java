/**
 * Not API: may change in any release without notice. Helpers shared by core's packages (JDBC plumbing, causes,
 * range checks, durations, PostgreSQL's parser, content hashes). Left out of the javadoc; applications and other
 * modules must not use it.
 */
package dev.rehearsal.internal;
