package dev.rehearsal.branch.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rehearsal.branch.copy.BranchAccess;
import org.junit.jupiter.api.Test;

/** Settings are given back to PostgreSQL as it stored them, list-quoted parameters element by element. */
class BranchAccessTest {
    @Test
    void splitsAListQuotedValueAsPostgresqlQuotedIt() {
        assertThat(BranchAccess.splitList("\"$user\", public, \"we ird\"")).containsExactly("$user", "public",
                "we ird");
        assertThat(BranchAccess.splitList("\"\"")).containsExactly("");
        assertThat(BranchAccess.splitList("\"say \"\"hi\"\"\",x")).containsExactly("say \"hi\"", "x");
        assertThat(BranchAccess.splitList("  ")).isEmpty();
        assertThat(BranchAccess.splitList("\"open")).isNull();
        assertThat(BranchAccess.splitList("a b")).isNull();
        assertThat(BranchAccess.splitList("a,")).isNull();
    }

    @Test
    void givesListQuotedParametersTheirElementsAndOthersTheirValueAsItIs() {
        assertThat(BranchAccess.values(new BranchAccess.Setting(null, "search_path", "\"$user\", public")))
                .containsExactly("$user", "public");
        assertThat(BranchAccess.values(new BranchAccess.Setting("app", "Search_Path", "\"\"")))
                .containsExactly("");
        assertThat(BranchAccess.values(new BranchAccess.Setting(null, "DateStyle", "ISO, MDY")))
                .containsExactly("ISO, MDY");
        assertThat(BranchAccess.values(new BranchAccess.Setting(null, "myapp.note", "\"quoted\", kept")))
                .containsExactly("\"quoted\", kept");
    }
}
