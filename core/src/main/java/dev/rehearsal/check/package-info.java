/**
 * The checks: the {@link dev.rehearsal.check.Check} SPI, which turns a rehearsal's evidence into
 * {@link dev.rehearsal.check.Finding}s, the built-in checks, and the {@link dev.rehearsal.check.Policy} that decides
 * which findings block a promotion.
 */
package dev.rehearsal.check;
