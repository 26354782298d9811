/**
 * The self-hosted branch server: {@link dev.rehearsal.server.BranchServer} keeps a mirror of a source PostgreSQL
 * (a physical standby, or a refreshed logical copy) and serves copy-on-write branches of it through the part of the
 * Neon API that Rehearsal's Neon provider speaks.
 */
package dev.rehearsal.server;
