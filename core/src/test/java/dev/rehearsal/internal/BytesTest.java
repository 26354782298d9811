package dev.rehearsal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void writesSizesAsPgSizePrettyDoesWithOneDecimalBelowTen() {
        assertThat(Bytes.human(0)).isEqualTo("0 B");
        assertThat(Bytes.human(1023)).isEqualTo("1023 B");
        assertThat(Bytes.human(1024)).isEqualTo("1.0 kB");
        assertThat(Bytes.human(8_283_750)).isEqualTo("7.9 MB");
        assertThat(Bytes.human(120L << 20)).isEqualTo("120 MB");
        assertThat(Bytes.human(3L << 40)).isEqualTo("3.0 TB");
        assertThat(Bytes.human(5000L << 40)).isEqualTo("5000 TB");
    }
}
