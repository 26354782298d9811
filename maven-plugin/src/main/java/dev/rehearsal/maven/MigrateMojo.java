package dev.rehearsal.maven;

import dev.rehearsal.Rehearsal;
import dev.rehearsal.outcome.Outcome;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Rehearses the pending migrations, then applies exactly those to the target when nothing blocks (with a
 * {@code lock_timeout}, bounded retries and a check that the target ends up as the branch did). Fails the build
 * unless the target was migrated or had nothing pending.
 *
 * <pre>
 * mvn rehearsal:migrate -Drehearsal.url=jdbc:postgresql://db:5432/shop
 * </pre>
 */
@Mojo(name = "migrate", threadSafe = true, requiresDependencyResolution = ResolutionScope.RUNTIME)
public final class MigrateMojo extends AbstractRunMojo {
    @Override
    Outcome execute(Rehearsal rehearsal) {
        return rehearsal.run();
    }
}
