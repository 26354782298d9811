package dev.rehearsal.branch;

import dev.rehearsal.api.DatabaseLocation;
import dev.rehearsal.api.Setting;
import java.util.List;

/**
 * A provider of "someone else's jar" for the discovery tests: listed in a {@code META-INF/services} file that a test
 * puts on the thread's context class loader only; its provider makes no branches and manages none.
 */
public final class UnmanagedBranchProviderFactory implements BranchProviderFactory {
    /** Its one option. */
    static final Setting COLOUR = Setting.branchOption("colour", "UnmanagedBranchProvider(...)");

    @Override
    public String name() {
        return "unmanaged";
    }

    @Override
    public String description() {
        return "a test provider without branch management";
    }

    @Override
    public List<Setting> options() {
        return List.of(COLOUR);
    }

    @Override
    public Class<UnmanagedBranchProvider> providerType() {
        return UnmanagedBranchProvider.class;
    }

    @Override
    public BranchProvider create(Options options) {
        return new UnmanagedBranchProvider(options.text(COLOUR).orElse("grey"));
    }

    /** Makes no branch. */
    record UnmanagedBranchProvider(String colour) implements BranchProvider {
        @Override
        public String name() {
            return "unmanaged";
        }

        @Override
        public Branch create(BranchRequest request) {
            throw new UnsupportedOperationException("a test provider that makes no branches");
        }

        @Override
        public void validate(DatabaseLocation target) {
        }
    }
}
