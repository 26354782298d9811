/**
 * What a rehearsal returns: the immutable {@link dev.rehearsal.outcome.Outcome} with its
 * {@link dev.rehearsal.outcome.Verdict}, the status of every migration on the branch and on the target, the failure in
 * the server's words, the promotion and the timings.
 */
package dev.rehearsal.outcome;
