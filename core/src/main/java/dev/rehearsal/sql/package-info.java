/**
 * PostgreSQL's own parser (libpg_query, compiled to WebAssembly and run in the JVM) and what Rehearsal reads from its
 * parse trees. Not API: it may change in any release.
 */
package dev.rehearsal.sql;
