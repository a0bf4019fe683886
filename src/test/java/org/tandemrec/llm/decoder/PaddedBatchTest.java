package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The left-padded layout the decoder, the scorers and training batches share. */
class PaddedBatchTest {
    @Test
    void padsOnTheLeftWithPositionsFromEachRowsFirstToken() {
        PaddedBatch b = PaddedBatch.leftPadded(new int[][] {{7, 8, 9}, {5}}, 1);
        assertArrayEquals(new int[][] {{7, 8, 9}, {1, 1, 5}}, b.ids());
        assertArrayEquals(new int[][] {{1, 1, 1}, {0, 0, 1}}, b.mask());
        assertArrayEquals(new int[][] {{0, 1, 2}, {0, 0, 0}}, b.positions());
        assertEquals(2, b.rows());
        assertEquals(3, b.length(0));
        assertEquals(1, b.length(1));
        assertArrayEquals(new int[][] {{-100, 8, 9}, {-100, -100, 6}},
                b.alignLeft(List.of(new int[] {-100, 8, 9}, new int[] {6}), -100));
    }

    @Test
    void trainBatchLabelsFollowTheTokens() {
        TrainBatch t = TrainBatch.leftPadded(List.of(new int[] {3, 4}, new int[] {5, 6, 7}),
                List.of(new int[] {-100, 4}, new int[] {-100, 6, 7}), 0);
        assertArrayEquals(new int[][] {{0, 3, 4}, {5, 6, 7}}, t.ids());
        assertArrayEquals(new int[][] {{-100, -100, 4}, {-100, 6, 7}}, t.labels());
        assertArrayEquals(new int[][] {{0, 0, 1}, {0, 1, 2}}, t.positions());
        assertEquals(3, t.lossTokens());
    }

    @Test
    void refusesEmptyBatchesRowsAndMisalignedValues() {
        assertThrows(IllegalArgumentException.class, () -> PaddedBatch.leftPadded(new int[0][], 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PaddedBatch.leftPadded(new int[][] {{1}, {}}, 0));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        PaddedBatch b = PaddedBatch.leftPadded(new int[][] {{1, 2}}, 0);
        assertThrows(IllegalArgumentException.class, () -> b.alignLeft(List.of(new int[] {1}), 0));
        assertThrows(IllegalArgumentException.class, () -> b.alignLeft(List.of(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> TrainBatch.leftPadded(List.of(new int[] {1, 2}), List.of(new int[] {1}), 0));
    }
}
