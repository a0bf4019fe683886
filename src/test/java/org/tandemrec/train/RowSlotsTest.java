package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The touched-row map against a HashMap, through growth and clears; and the parameter that uses it. */
class RowSlotsTest {
    @Test
    void slotsFollowFirstTouchesThroughGrowthAndClears() {
        RowSlots slots = new RowSlots();
        SplittableRandom r = new SplittableRandom(4);
        for (int round = 0; round < 5; round++) {
            Map<Integer, Integer> expected = new HashMap<>();
            int draws = round == 2 ? 0 : 50 + r.nextInt(3000);
            // Rows of a large table, and in one round rows that share their low bits (multiples of 1024).
            int bound = round == 3 ? 4000 : 2_000_000;
            for (int k = 0; k < draws; k++) {
                int row = round == 3 ? 1024 * r.nextInt(bound) : r.nextInt(bound);
                int want = expected.computeIfAbsent(row, x -> expected.size());
                assertEquals(want, slots.add(row), "round " + round + " row " + row);
            }
            assertEquals(expected.size(), slots.size());
            for (Map.Entry<Integer, Integer> e : expected.entrySet()) {
                assertEquals(e.getValue(), slots.slotOf(e.getKey()));
                assertEquals(e.getKey(), slots.row(e.getValue()));
            }
            for (int k = 0; k < 200; k++) {
                int row = r.nextInt(bound);
                assertEquals(expected.getOrDefault(row, -1), slots.slotOf(row));
            }
            slots.clear();
            assertEquals(0, slots.size());
            for (int row : expected.keySet()) {
                assertEquals(-1, slots.slotOf(row), "cleared row " + row);
            }
        }
    }

    @Test
    void aTableSumsRepeatedRowsIntoOneSlotAndChecksTheRow() {
        Parameter p = Parameter.table("t", 3_000_000, 2, new float[3_000_000 * 2]);
        p.addRowGrad(2_999_999, new float[] {1f, 2f}, 0, 1f);
        p.addRowGrad(7, new float[] {1f, 1f}, 0, 1f);
        p.addRowGrad(2_999_999, new float[] {0.5f, 0.5f}, 0, 2f);
        assertEquals(2, p.touchedCount());
        assertEquals(2_999_999, p.touchedRow(0));
        assertArrayEquals(new float[] {2f, 3f, 1f, 1f}, java.util.Arrays.copyOf(p.slotGrad(), 4));
        var e = assertThrows(IllegalArgumentException.class, () -> p.gradSlot(3_000_000));
        assertEquals("parameter t: row must be in [0, 3000000), got 3000000", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.addRowGrad(-1, new float[2], 0, 1f));
        p.zeroGrad();
        assertEquals(0, p.touchedCount());
        assertEquals(-1, p.slotOf(7));
        for (int row = 0; row < 100; row++) {
            p.addRowGrad(row * 30_000, new float[] {row, 1f}, 0, 1f);
        }
        assertEquals(100, p.touchedCount());
        assertTrue(p.slotGrad().length >= 200, "the gradient buffer grew");
        assertEquals(99f, p.slotGrad()[p.gradSlot(99 * 30_000)]);
    }
}
