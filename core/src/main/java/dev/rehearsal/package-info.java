/**
 * The lobby: {@link dev.rehearsal.Rehearsal}, the facade and its builder, through which an application configures a
 * rehearsal of its pending migrations and runs it.
 *
 * <p>What a run returns is in {@code dev.rehearsal.outcome}; the errors it throws and the types every package shares
 * are in {@code dev.rehearsal.api}.
 */
package dev.rehearsal;
