/**
 * The evidence of a rehearsal, statement by statement, as recorded at the JDBC layer whatever the engine: the SQL,
 * its migration, its duration, the locks it took, the relations it rewrote and the tables it scanned.
 */
package dev.rehearsal.trace;
