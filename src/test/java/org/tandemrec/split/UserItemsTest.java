package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.data.InteractionTable;

class UserItemsTest {
    /** User 0: items 3, 1, 3 (a repeat); user 1: none; user 2: item 0. */
    private static InteractionTable table() {
        InteractionTable.Builder b = new InteractionTable.Builder();
        b.add(0, 3, 1f, 1);
        b.add(2, 0, 1f, 2);
        b.add(0, 1, 1f, 3);
        b.add(0, 3, 1f, 4);
        return b.build(3, 5);
    }

    @Test
    void rowsAreSortedAndDistinct() {
        UserItems u = UserItems.of(table());
        assertEquals(3, u.numUsers());
        assertEquals(5, u.numItems());
        assertEquals(3, u.numPairs());
        assertArrayEquals(new int[] {2, 0, 1}, new int[] {u.count(0), u.count(1), u.count(2)});
        assertArrayEquals(new int[] {0, 2, 2}, new int[] {u.offset(0), u.offset(1), u.offset(2)});
        assertArrayEquals(new int[] {1, 3, 0}, new int[] {u.itemAt(0), u.itemAt(1), u.itemAt(2)});
        assertTrue(u.contains(0, 3));
        assertFalse(u.contains(0, 2));
        assertFalse(u.contains(1, 0));
    }

    @Test
    void tablesMustShareIndexSpaces() {
        InteractionTable other = new InteractionTable.Builder().build(3, 6);
        assertThrows(IllegalArgumentException.class, () -> UserItems.of(table(), other));
    }

    @Test
    void negativesAreUnseenAndSeeded() {
        UserItems u = UserItems.of(table());
        SplittableRandom r = new SplittableRandom(5);
        int[] first = new int[200];
        for (int k = 0; k < first.length; k++) {
            first[k] = u.sampleNegative(0, r);
            assertFalse(u.contains(0, first[k]), "item " + first[k]);
        }
        SplittableRandom again = new SplittableRandom(5);
        for (int k = 0; k < first.length; k++) {
            assertEquals(first[k], u.sampleNegative(0, again));
        }
    }

    @Test
    void aUserWhoSawEverythingStillGetsADraw() {
        InteractionTable.Builder b = new InteractionTable.Builder();
        b.add(0, 0, 1f, 1);
        b.add(0, 1, 1f, 2);
        UserItems u = UserItems.of(b.build(1, 2));
        int j = u.sampleNegative(0, new SplittableRandom(1));
        assertTrue(j == 0 || j == 1);
    }
}
