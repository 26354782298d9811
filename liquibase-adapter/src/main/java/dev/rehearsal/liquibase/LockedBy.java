package dev.rehearsal.liquibase;

import liquibase.sqlgenerator.core.LockDatabaseChangeLogGenerator;

/**
 * What Liquibase's lock statement writes to LOCKEDBY in this process. The parts are the statement generator's own
 * constants (read through a subclass, since they are protected), so that this is what Liquibase writes rather than a
 * second guess at the host's name.
 */
final class LockedBy extends LockDatabaseChangeLogGenerator {
    private LockedBy() {
    }

    static String thisHost() {
        return hostname + hostDescription + " (" + hostaddress + ")";
    }
}
