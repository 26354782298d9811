package dev.rehearsal.maven;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.branch.BranchManagement.BranchInfo;
import dev.rehearsal.branch.BranchManager;
import java.util.Locale;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The {@code branch-*} goals: named copies of the target for people (one per developer, refreshed with
 * {@code branch-reset}), made by the configured provider ({@code CREATE DATABASE … TEMPLATE} by default).
 */
abstract class AbstractBranchMojo extends AbstractRehearsalMojo {
    /** The branch's name, e.g. {@code dev-alice}. */
    @Parameter(property = "rehearsal.branch")
    String branch;

    @Override
    final void run() {
        DatabaseLocation target = target();
        run(BranchManager.of(provider(), target), target);
    }

    /** Does the goal's work on the target's branches. */
    abstract void run(BranchManager branches, DatabaseLocation target);

    /** The branch name; an error naming the fix when it is missing. */
    final String name() {
        if (branch == null || branch.isBlank()) {
            throw new ConfigurationException("Which branch? Set <branch> in the plugin's <configuration> or pass "
                    + "-Drehearsal.branch=dev-alice");
        }
        return branch.trim();
    }

    static String describe(BranchInfo info) {
        return String.format(Locale.ROOT, "%s (of %s, created %s, expires %s): %s", info.name(), info.parent(),
                info.created(), info.expires(), info.url());
    }
}
