/**
 * The types every other package shares: the unchecked {@link dev.rehearsal.api.RehearsalException} and its
 * subclasses with their {@link dev.rehearsal.api.ErrorCode} (and so the command line's exit code),
 * {@link dev.rehearsal.api.DatabaseLocation} and the settings' names. Depends on no other package of Rehearsal.
 */
package dev.rehearsal.api;
