/**
 * The branch provider for Neon ({@link dev.rehearsal.branch.neon.NeonBranchProvider}): a copy-on-write branch of a
 * Neon project, made and dropped through Neon's HTTP API (or a server that speaks its subset of it).
 */
package dev.rehearsal.branch.neon;
