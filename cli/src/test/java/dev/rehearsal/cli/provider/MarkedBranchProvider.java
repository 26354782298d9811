package dev.rehearsal.cli.provider;

import dev.rehearsal.api.ConfigurationException;
import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import dev.rehearsal.branch.Branch;
import dev.rehearsal.branch.BranchProvider;
import dev.rehearsal.branch.BranchProviderFactory;
import dev.rehearsal.branch.BranchRequest;
import dev.rehearsal.branch.copy.TemplateBranchProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * A provider of someone else's jar, for CliBranchProviderIT, which packs this class into a jar of its own (never on
 * the CLI's class path): template copies named {@code marked_...}, each name written to the file of the option
 * {@code marker} as the branch is made. It does not manage named branches.
 */
public final class MarkedBranchProvider implements BranchProvider {
    /** The file that each branch's name is appended to. */
    static final Setting MARKER = Setting.branchOption("marker", "MarkedBranchProvider(...)");
    /** The prefix of its branches. */
    public static final String PREFIX = "marked_";

    private final BranchProvider copies = TemplateBranchProvider.builder().prefix(PREFIX).build();
    private final Path marker;

    private MarkedBranchProvider(Path marker) {
        this.marker = marker;
    }

    @Override
    public String name() {
        return "marked";
    }

    @Override
    public Branch create(BranchRequest request) {
        Branch branch = copies.create(request);
        try {
            Files.writeString(marker, branch.name() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            branch.close();
            throw new UncheckedIOException(e);
        }
        return branch;
    }

    @Override
    public void validate(DatabaseLocation target) {
        copies.validate(target);
    }

    @Override
    public List<String> reapOrphans(DatabaseLocation target, Instant now) {
        return copies.reapOrphans(target, now);
    }

    /** Registered, in the IT's jar only, as the provider {@code marked}. */
    public static final class Factory implements BranchProviderFactory {
        @Override
        public String name() {
            return "marked";
        }

        @Override
        public String description() {
            return "template copies named marked_..., each recorded in a file";
        }

        @Override
        public List<Setting> options() {
            return List.of(MARKER);
        }

        @Override
        public Class<MarkedBranchProvider> providerType() {
            return MarkedBranchProvider.class;
        }

        @Override
        public BranchProvider create(Options options) {
            return new MarkedBranchProvider(options.path(MARKER).orElseThrow(() -> new ConfigurationException(
                    "The marked branch provider needs its option: " + MARKER.spelled("<file>"))));
        }
    }
}
