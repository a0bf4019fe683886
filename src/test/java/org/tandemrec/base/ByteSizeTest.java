package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void humanUnits() {
        assertEquals("0 bytes", ByteSize.human(0));
        assertEquals("1023 bytes", ByteSize.human(1023));
        assertEquals("1.0 KiB", ByteSize.human(1024));
        assertEquals("613.3 KiB", ByteSize.human(627_968));
        assertEquals("3.6 MiB", ByteSize.human(3_767_808));
        assertEquals("1.50 GiB", ByteSize.human(3L << 29));
        assertEquals("2.00 TiB", ByteSize.human(2L << 40));
        assertEquals("8192.00 TiB", ByteSize.human(1L << 53));
    }
}
