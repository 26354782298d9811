package dev.rehearsal.branch.copy;

import dev.rehearsal.api.ConfigurationException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names providers give the branches they make: {@code <prefix><parent>_<utc timestamp>_<random>}, e.g.
 * {@code rehearsal_shop_20261123T215301_k3f9qa}, within PostgreSQL's 63-byte identifiers, so that leftovers are
 * recognisable by name as well as by their {@link BranchComment}. Shared by the providers that make databases.
 */
final class BranchNaming {
    /** The default branch name prefix. */
    static final String DEFAULT_PREFIX = "rehearsal_";

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,23}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String RANDOM_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_IDENTIFIER_BYTES = 63;
    /** {@code _yyyyMMddTHHmmss_xxxxxx}. */
    private static final int SUFFIX_LENGTH = 23;

    private final String prefix;
    private final SecureRandom random = new SecureRandom();

    private BranchNaming(String prefix) {
        this.prefix = prefix;
    }

    /** Naming with {@code prefix}, which was checked by {@link #requireValidPrefix(String)}. */
    static BranchNaming of(String prefix) {
        return new BranchNaming(requireValidPrefix(prefix));
    }

    /**
     * Returns {@code prefix} when it is allowed: lower-case letters, digits and underscores, starting with a letter,
     * at most 24 characters.
     *
     * @throws ConfigurationException naming the rule otherwise
     */
    static String requireValidPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new ConfigurationException("Branch prefix '" + prefix + "' is not allowed: use "
                    + "1 to 24 lower-case letters, digits and underscores, starting with a letter "
                    + "(e.g. 'rehearsal_')");
        }
        return prefix;
    }

    String prefix() {
        return prefix;
    }

    /** A new, unique name for a branch of {@code parent} made at {@code created}. */
    String branchName(String parent, Instant created) {
        StringBuilder suffix = new StringBuilder("_").append(STAMP.format(created)).append('_');
        for (int i = 0; i < 6; i++) {
            suffix.append(RANDOM_ALPHABET.charAt(random.nextInt(RANDOM_ALPHABET.length())));
        }
        return prefix + stem(parent) + suffix;
    }

    /** Matches exactly the names {@link #branchName} gives branches of {@code parent}. */
    Pattern ownNames(String parent) {
        return Pattern.compile(Pattern.quote(prefix + stem(parent)) + "_\\d{8}T\\d{6}_[a-z0-9]{6}");
    }

    /** The parent's name as branch names carry it: lower case, runs of other characters as one underscore. */
    private String stem(String parent) {
        String stem = parent.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        int room = MAX_IDENTIFIER_BYTES - prefix.length() - SUFFIX_LENGTH;
        return stem.length() > room ? stem.substring(0, room) : stem;
    }
}
