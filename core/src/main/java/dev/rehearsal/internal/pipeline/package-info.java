/**
 * Not API: may change in any release without notice. The pipeline behind {@link dev.rehearsal.Rehearsal}: a run
 * (runner lock, branch, migration on the branch with traced and guarded data sources, checks, promotion), which
 * receives an immutable settings record from the facade. Left out of the javadoc;
 * applications must not use it.
 */
package dev.rehearsal.internal.pipeline;
