/**
 * Branches: the {@link dev.rehearsal.branch.BranchProvider} SPI that makes a {@link dev.rehearsal.branch.Branch} (a
 * connectable copy of the target, data included, discarded when closed), the metadata every branch carries so that
 * orphans can be found, and the management of the branches left on a server.
 */
package dev.rehearsal.branch;
