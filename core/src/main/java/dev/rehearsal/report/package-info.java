/**
 * An outcome rendered for people and tools: JSON, Markdown for a pull request's comment, and the console summary.
 */
package dev.rehearsal.report;
