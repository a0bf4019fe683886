package org.tandemrec.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CRM vectors turned into new token rows (values derived from the definitions in the Javadoc). */
class VocabularyProjectionTest {
    private static double rms(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return Math.sqrt(s / v.length);
    }

    @Test
    void sameSizeVectorsGoInAsTheyAreUnlessARescaleIsAsked() {
        float[][] v = {{3, 4}, {0, 2}};
        VocabularyExtension e = VocabularyExtension.fromVectors(List.of("<iid_1>", "<iid_2>"), v, 2, 1.0, false, 7);
        assertArrayEquals(new float[] {3, 4}, e.embeddingRows()[0]);
        assertArrayEquals(new float[] {0, 2}, e.embeddingRows()[1]);
        assertArrayEquals(e.embeddingRows()[1], e.lmHeadRows()[1]);
        // one common factor: rms over {3, 4, 0, 2} = sqrt(29 / 4), brought to 1
        VocabularyExtension r = VocabularyExtension.fromVectors(List.of("<iid_1>", "<iid_2>"), v, 2, 1.0, true, 7);
        double f = 1 / Math.sqrt(29 / 4.0);
        assertArrayEquals(new float[] {(float) (3 * f), (float) (4 * f)}, r.embeddingRows()[0], 1e-6f);
        assertArrayEquals(new float[] {0, (float) (2 * f)}, r.embeddingRows()[1], 1e-6f);
    }

    @Test
    void projectionToALargerSizeIsSeededScaledAndKeepsGeometry() {
        int d = 16;
        float[][] v = new float[3][d];
        for (int j = 0; j < d; j++) {
            v[0][j] = j % 2 == 0 ? 1 : -1;
            v[1][j] = v[0][j];          // identical to row 0
            v[2][j] = j < d / 2 ? 1 : -1; // orthogonal to row 0
        }
        VocabularyExtension a = VocabularyExtension.fromVectors(List.of("a", "b", "c"), v, 256, 0.02, false, 3);
        VocabularyExtension b = VocabularyExtension.fromVectors(List.of("a", "b", "c"), v, 256, 0.02, false, 3);
        assertArrayEquals(a.embeddingRows()[2], b.embeddingRows()[2], "same seed, same rows");
        double ss = 0;
        for (float[] row : a.embeddingRows()) {
            assertEquals(256, row.length);
            ss += rms(row) * rms(row);
        }
        assertEquals(0.02, Math.sqrt(ss / 3), 1e-6, "one factor brings the rows to the vocabulary's scale");
        assertArrayEquals(a.embeddingRows()[0], a.embeddingRows()[1], 1e-9f);
        double dot = 0;
        for (int h = 0; h < 256; h++) {
            dot += a.embeddingRows()[0][h] * a.embeddingRows()[2][h];
        }
        double cos = dot / (256 * rms(a.embeddingRows()[0]) * rms(a.embeddingRows()[2]));
        // Orthogonal inputs stay near-orthogonal: |cos| is of order 1/sqrt(256) after projection.
        assertEquals(0, cos, 0.3);
    }

    @Test
    void badInputsNameTheField() {
        assertThrows(IllegalArgumentException.class,
                () -> VocabularyExtension.fromVectors(List.of("a"), new float[][] {{1}}, 0, 1, false, 1));
        var e = assertThrows(IllegalArgumentException.class,
                () -> VocabularyExtension.fromVectors(List.of("a", "b"), new float[][] {{1, 2}, {1}}, 4, 1, false, 1));
        assertEquals("vectors[1] has 1 values, vectors[0] has 2", e.getMessage());
    }
}
