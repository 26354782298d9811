/**
 * Not API: the branch server's stores, its Neon-compatible API, its records and the PostgreSQL clusters it drives.
 * Anything here may change in any release.
 */
package dev.rehearsal.server.internal;
