/**
 * Snapshots of a database's schema (tables, columns, constraints, indexes, views, sequences, functions, triggers,
 * types) and of facts about its data, and the differences between two snapshots: what the migrations changed.
 */
package dev.rehearsal.catalog;
