package dev.rehearsal.branch;

import dev.rehearsal.api.ConfigurationException;
import java.util.Objects;
import java.util.regex.Pattern;

/** The names people give branches ({@code dev-alice}): checked before any of them reaches a server. */
final class BranchNames {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private BranchNames() {
    }

    /**
     * Returns {@code name} when it is a valid branch name: a lower-case letter, then up to 62 lower-case letters,
     * digits, {@code _} or {@code -}.
     *
     * @throws ConfigurationException naming the problem and the rule otherwise
     */
    static String requireValid(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException("Branch name '" + name + "' is not allowed: use a lower-case letter "
                    + "followed by up to 62 lower-case letters, digits, '_' or '-', e.g. 'dev-alice'");
        }
        return name;
    }
}
