package dev.rehearsal.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttributionTest {
    @Test
    void aStatementNamesAnObjectWhoseNameHasQuotesSpacesOrCapitalsAsSqlWritesIt() {
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN \"q\"\"1598\"", "q\"1598")).isTrue();
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN \"c1  with\tspace\"", "c1  with\tspace")).isTrue();
        assertThat(Attribution.names("alter table \"Wide\" drop column \"Col_6\"", "Col_6")).isTrue();
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN Col_6", "Col_6")).isTrue();
    }

    @Test
    void aStatementDoesNotNameAnObjectWhoseNameIsOnlyPartOfAWordOrInAComment() {
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN \"q\"\"15989\"", "q\"1598")).isFalse();
        assertThat(Attribution.names("ALTER TABLE wide DROP COLUMN customer_id", "id")).isFalse();
        assertThat(Attribution.names("-- drops id\nALTER TABLE wide DROP COLUMN other", "id")).isFalse();
    }
}
