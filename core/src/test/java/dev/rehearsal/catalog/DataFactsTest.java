package dev.rehearsal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rehearsal.catalog.CatalogSnapshot.DataFacts;
import dev.rehearsal.catalog.CatalogSnapshot.DataFacts.Mode;
import org.junit.jupiter.api.Test;

class DataFactsTest {
    @Test
    void countsExactlyUpToOneGibibyteByDefault() {
        assertThat(DataFacts.defaults()).isEqualTo(new DataFacts(Mode.EXACT, 1L << 30));
        assertThat(DataFacts.defaults().countsExactly(1L << 30)).isTrue();
        assertThat(DataFacts.defaults().countsExactly((1L << 30) + 1)).isFalse();
        assertThat(DataFacts.estimated().countsExactly(0)).isFalse();
        assertThat(DataFacts.none().countsExactly(0)).isFalse();
    }

    @Test
    void rejectsANegativeLimitWithAMessageThatNamesTheAlternative() {
        assertThatThrownBy(() -> DataFacts.exactUpTo(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1").hasMessageContaining("DataFacts.estimated()");
        assertThatThrownBy(() -> new DataFacts(null, 0)).isInstanceOf(NullPointerException.class);
    }
}
