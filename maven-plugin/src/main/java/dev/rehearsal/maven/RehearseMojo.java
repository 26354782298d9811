package dev.rehearsal.maven;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Rehearses the pending migrations: branches the target, applies them to the branch, checks the evidence and drops
 * the branch. Never changes the target. Fails the build when a migration fails on the branch or a finding blocks.
 *
 * <pre>
 * mvn rehearsal:rehearse -Drehearsal.url=jdbc:postgresql://db:5432/shop
 * </pre>
 */
@Mojo(name = "rehearse", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public final class RehearseMojo extends AbstractRunMojo {
    /** Set to false to report blocking findings as warnings without failing the build (while adopting Rehearsal). */
    @Parameter(property = "rehearsal.failOnFindings", defaultValue = "true")
    boolean failOnFindings;

    @Override
    Outcome execute(Rehearsal rehearsal) {
        return rehearsal.rehearse();
    }

    @Override
    boolean failOnFindings() {
        return failOnFindings;
    }
}
