/**
 * The branch providers that copy a database with PostgreSQL's own means: a template copy on the same server
 * ({@link dev.rehearsal.branch.copy.TemplateBranchProvider}) and a consistent snapshot copy of a live database
 * through {@code pg_dump}/{@code pg_restore} ({@link dev.rehearsal.branch.copy.SnapshotCopyBranchProvider}).
 */
package dev.rehearsal.branch.copy;
