/**
 * The migration engine SPI: what is pending and how to apply it, implemented by the Flyway and Liquibase adapters
 * ({@link dev.rehearsal.engine.MigrationEngine}). Core depends on no migration tool.
 */
package dev.rehearsal.engine;
