package org.tandemrec.crm.sequential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.train.ParameterSet;

/**
 * A batch trimmed to its longest sequence gives every real position the state it has at the full
 * width L, for each encoder: what lets training pay for the batch's longest sequence only.
 */
class TrimmedWidthTest {
    static {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    private static final int ITEMS = 30;
    private static final int L = 8;
    private static final int[][] SEQUENCES = {{3, 7, 1}, {5}, {2, 9, 11, 4, 6}, {8, 8}};

    private static void sameStatesTrimmed(SequenceEncoder<?> encoder) {
        ParameterSet p = SequentialRecommender.initialise(encoder, ITEMS, new SplittableRandom(3));
        int b = SEQUENCES.length;
        int trimmed = encoder.trimmedWidth(SEQUENCES, 0);
        assertEquals(5, trimmed);
        int[] fullIds = SequentialRecommender.padded(SEQUENCES, L);
        int[] trimmedIds = SequentialRecommender.padded(SEQUENCES, trimmed);
        float[] full;
        float[] cut;
        try (AutogradStep s = AutogradStep.inference()) {
            NDArray h = encoder.hidden(s, p, fullIds, b, Dropout.NONE);
            assertEquals(L, h.getShape().get(1));
            full = h.toFloatArray();
            cut = encoder.hidden(s, p, trimmedIds, b, Dropout.NONE).toFloatArray();
        }
        int d = encoder.dim();
        int compared = 0;
        for (int k = 0; k < b; k++) {
            for (int t = 0; t < SEQUENCES[k].length; t++) {
                for (int c = 0; c < d; c++) {
                    float want = full[((k * L) + L - 1 - t) * d + c];
                    float got = cut[((k * trimmed) + trimmed - 1 - t) * d + c];
                    assertEquals(want, got, 1e-5f, encoder.kind() + " sequence " + k + ", " + t + " from the end");
                    compared++;
                }
            }
        }
        assertEquals(11 * d, compared);
    }

    @Test
    void sasRecStatesDoNotDependOnPadding() {
        sameStatesTrimmed(new SasRec(new SasRecConfig(16, L, 2, 2, 0.2)));
    }

    @Test
    void gru4RecStatesDoNotDependOnPadding() {
        sameStatesTrimmed(new Gru4Rec(new Gru4RecConfig(16, L, 0.25)));
    }

    @Test
    void bert4RecStatesDoNotDependOnPadding() {
        sameStatesTrimmed(new Bert4Rec(new Bert4RecConfig(16, L, 2, 2, 0.1, 0.4), ITEMS));
    }

    /**
     * Scoring takes users in chunks of similar length, each trimmed to its longest; the scores
     * are those of each user's sequence at the full width, one user at a time (the empty ones
     * included, which get the all-padding state of the full width).
     */
    private static void scoresAreThoseOfTheFullWidth(SequenceEncoder<?> encoder) {
        ParameterSet p = SequentialRecommender.initialise(encoder, ITEMS, new SplittableRandom(5));
        SplittableRandom r = new SplittableRandom(9);
        int users = 700;
        int[][] sequences = new int[users][];
        for (int u = 0; u < users; u++) {
            sequences[u] = r.ints(r.nextInt(L + 1), 0, ITEMS).toArray();
        }
        SequentialRecommender model = new SequentialRecommender(encoder, users, ITEMS, sequences, p);
        int d = encoder.dim();
        float[] table = p.get("item_emb").value();
        float[] bias = encoder.outputBias() == null ? null : p.get(encoder.outputBias()).value();
        int[] items = {0, 13, ITEMS - 1};
        for (int u = 0; u < users; u++) {
            float[] state;
            try (AutogradStep s = AutogradStep.inference()) {
                state = encoder.hidden(s, p, encoder.scoringIds(new int[][] {sequences[u]}, L), 1, Dropout.NONE)
                        .get(":, -1, :").toFloatArray();
            }
            float[] got = model.score(new int[] {u, u, u}, items);
            for (int k = 0; k < items.length; k++) {
                float want = bias == null ? 0 : bias[items[k]];
                for (int c = 0; c < d; c++) {
                    want += state[c] * table[(items[k] + 1) * d + c];
                }
                assertEquals(want, got[k], 1e-4f, encoder.kind() + " user " + u + " (" + sequences[u].length + " items)");
            }
        }
    }

    @Test
    void scoringStatesAreThoseOfTheFullWidth() {
        scoresAreThoseOfTheFullWidth(new SasRec(new SasRecConfig(16, L, 2, 2, 0.2)));
        scoresAreThoseOfTheFullWidth(new Gru4Rec(new Gru4RecConfig(16, L, 0.25)));
        scoresAreThoseOfTheFullWidth(new Bert4Rec(new Bert4RecConfig(16, L, 2, 2, 0.1, 0.4), ITEMS));
    }

    @Test
    void aWidthBeyondTheModelsIsRefused() {
        SasRec encoder = new SasRec(new SasRecConfig(16, L, 1, 1, 0.2));
        assertEquals(L, encoder.trimmedWidth(new int[][] {new int[20]}, 1));
        assertEquals(1, encoder.trimmedWidth(new int[][] {{4}}, 1));
        assertThrows(IllegalArgumentException.class, () -> encoder.width(new int[2 * (L + 1)], 2));
        assertThrows(IllegalArgumentException.class, () -> encoder.width(new int[7], 2));
    }
}
