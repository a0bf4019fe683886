package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.IdMap;

class RawIdInternerTest {
    @Test
    void indexesInOrderOfFirstAppearanceThroughManyRehashes() {
        RawIdInterner ids = new RawIdInterner();
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 100_000; k++) {
                assertEquals(k, ids.intern("id" + k));
            }
        }
        assertEquals(100_000, ids.size());
        byte[] b = "xxid77yy".getBytes(StandardCharsets.UTF_8);
        assertEquals(77, ids.indexOf(b, 2, 6));
        assertEquals(-1, ids.indexOf("nope"));
        IdMap map = ids.toIdMap(StandardCharsets.UTF_8);
        assertEquals("id99999", map.raw(99_999));
        assertEquals(12_345, map.index("id12345"));
    }
}
