package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A pass's vocabulary rows read the same values as the matrix itself; the touched ids' logits move to the end. */
class VocabularyRowsTest {
    private static final int V = 10;
    private static final int H = 3;
    private static final int FIRST = 6;

    private static NDArray matrix(NDManager m) {
        float[] w = new float[V * H];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i + 1);
        }
        return m.create(w, new Shape(V, H));
    }

    @Test
    void embeddingsAreTheMatrixRows() {
        for (boolean baseTrains : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray w = matrix(m);
                float[] all = w.toFloatArray();
                VocabularyRows r = VocabularyRows.open(m, w, FIRST, baseTrains, new int[] {9, 7});
                assertArrayEquals(new int[] {7, 9}, r.ids());
                assertEquals(new Shape(2, H), r.rows().getShape());
                assertEquals(baseTrains ? new Shape(FIRST, H) : null, baseTrains ? r.base().getShape() : r.base());
                int[][] tokens = {{1, 7, 5}, {9, 0, 7}};
                float[] x = r.embed(m, tokens).toFloatArray();
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 3; j++) {
                        int id = tokens[i][j];
                        assertArrayEquals(Arrays.copyOfRange(all, id * H, id * H + H),
                                Arrays.copyOfRange(x, (i * 3 + j) * H, (i * 3 + j + 1) * H), 0f, "token " + id);
                    }
                }
            }
        }
    }

    @Test
    void touchedLogitsMoveToTheEndAndTheirColumnsAreMasked() {
        for (boolean baseTrains : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray w = matrix(m);
                NDArray h = m.create(new float[] {0.5f, -1f, 2f, 1f, 0f, -0.25f}, new Shape(2, H));
                float[] plain = h.matMul(w.transpose()).toFloatArray();
                VocabularyRows r = VocabularyRows.open(m, w, FIRST, baseTrains, new int[] {9, 7});
                NDArray logits = r.logits(m, h);
                assertEquals(new Shape(2, V + 2), logits.getShape());
                float[] l = logits.toFloatArray();
                for (int n = 0; n < 2; n++) {
                    for (int v = 0; v < V; v++) {
                        float want = v == 7 || v == 9 ? Float.NEGATIVE_INFINITY : plain[n * V + v];
                        assertEquals(want, l[n * (V + 2) + v], 1e-6f, "row " + n + " column " + v);
                    }
                    assertEquals(plain[n * V + 7], l[n * (V + 2) + r.column(7)], 1e-6f);
                    assertEquals(plain[n * V + 9], l[n * (V + 2) + r.column(9)], 1e-6f);
                }
                assertEquals(V, r.column(7));
                assertEquals(V + 1, r.column(9));
                assertEquals(3, r.column(3));
            }
        }
    }

    @Test
    void touchedIdsMustBeDistinctIdRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = matrix(m);
            var e = assertThrows(IllegalArgumentException.class, () -> VocabularyRows.open(m, w, FIRST, false, new int[] {5}));
            assertTrue(e.getMessage().contains("[6, 10)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> VocabularyRows.open(m, w, FIRST, false, new int[] {7, 7}));
            assertThrows(IllegalArgumentException.class, () -> VocabularyRows.open(m, w, 0, true, new int[] {7}));
            VocabularyRows r = VocabularyRows.open(m, w, FIRST, false, new int[] {7});
            e = assertThrows(IllegalArgumentException.class, () -> r.embed(m, new int[][] {{8}}));
            assertTrue(e.getMessage().contains("not among"), e.getMessage());
            VocabularyRows none = VocabularyRows.open(m, w, FIRST, false, new int[0]);
            assertEquals(null, none.rows());
            assertEquals(new Shape(1, V), none.logits(m, m.ones(new Shape(1, H))).getShape());
        }
    }
}
