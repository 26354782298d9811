package dev.rehearsal.trace;

/**
 * A table-level lock a statement acquired (one its transaction did not hold before it).
 *
 * @param relationOid   the locked relation's OID on the branch
 * @param relation      its name, schema-qualified
 * @param existedBefore true when the relation existed before the migrations ran (a lock on a relation the migration
 *                      created itself blocks no one)
 * @param mode          the lock mode
 * @param heldMillis    how long it was held: from the start of the statement until its transaction ended
 * @param sampled       true when the lock was observed from another session while an auto-commit statement ran
 *                      (e.g. {@code CREATE INDEX CONCURRENTLY}) rather than read in the statement's transaction
 */
public record LockTrace(long relationOid, String relation, boolean existedBefore, LockMode mode, long heldMillis,
                        boolean sampled) {
    public boolean blocksReads() {
        return mode.blocksReads();
    }

    public boolean blocksWrites() {
        return mode.blocksWrites();
    }
}
