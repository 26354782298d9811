package dev.rehearsal.branch;

/**
 * Makes branches: connectable copies of a parent database, data included.
 *
 * <p>Implementations must leave the parent untouched, give every branch a recognisable name and its
 * {@link BranchMetadata}, and never drop or change a database they did not create.
 */
public interface BranchProvider {
    /** A short name for reports, e.g. {@code "template"}. */
    String name();

    /**
     * Creates a branch of {@code request.parent()}.
     *
     * @throws dev.rehearsal.BranchException when the branch cannot be made; nothing is left behind
     */
    Branch create(BranchRequest request);
}
