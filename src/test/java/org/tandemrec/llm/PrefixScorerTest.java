package org.tandemrec.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.DecoderWeights;

/** Continuations scored with a shared prefix equal the whole sequences scored alone. */
class PrefixScorerTest {
    private static final int[] PREFIX = {5, 17, 230, 41, 9, 77};
    private static final List<int[]> SUFFIXES = List.of(new int[] {12, 300, 8}, new int[] {450}, new int[] {3, 3, 91, 200, 14});

    @Test
    void sharedPrefixEqualsWholeSequences() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            Decoder d = new Decoder(w, null);
            PrefixScorer scorer = new PrefixScorer(d, 0);
            int[] choice = {11, 22, 33};
            PrefixScorer.Scores all = scorer.score(m, PREFIX, SUFFIXES, new PrefixScorer.Request(choice, true, true));
            PrefixScorer.Scores onlyChoice = scorer.score(m, PREFIX, SUFFIXES, PrefixScorer.Request.choice(choice));
            assertNull(onlyChoice.hidden());
            assertNull(onlyChoice.logLikelihood());
            for (int i = 0; i < SUFFIXES.size(); i++) {
                int[] whole = concat(PREFIX, SUFFIXES.get(i));
                try (NDManager sm = m.newSubManager()) {
                    DecoderOutput o = d.forward(sm, whole, true);
                    NDArray logits = o.logits().get(new NDIndex("0"));
                    NDArray last = logits.get(new NDIndex("-1"));
                    float[] p = last.get(new NDIndex("{}", sm.create(new long[] {11, 22, 33}))).softmax(-1).toFloatArray();
                    for (int c = 0; c < choice.length; c++) {
                        assertEquals(p[c], all.choice()[i][c], 1e-5, "choice " + c + " of continuation " + i);
                        assertEquals(p[c], onlyChoice.choice()[i][c], 1e-5);
                    }
                    float[] h = o.lastHidden().get(new NDIndex("0, -1, :")).toFloatArray();
                    for (int j = 0; j < h.length; j++) {
                        assertEquals(h[j], all.hidden()[i][j], 1e-4, "hidden " + j + " of continuation " + i);
                    }
                    float[] logp = logits.logSoftmax(-1).toFloatArray();
                    int v = (int) logits.getShape().get(1);
                    double ll = 0;
                    for (int j = PREFIX.length; j < whole.length; j++) {
                        ll += logp[(j - 1) * v + whole[j]];
                    }
                    assertEquals(ll, all.logLikelihood()[i], 1e-3, "log-likelihood of continuation " + i);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> scorer.score(m, new int[0], SUFFIXES, PrefixScorer.Request.hiddenState()));
            assertThrows(IllegalArgumentException.class, () -> scorer.score(m, PREFIX, List.of(new int[0]), PrefixScorer.Request.hiddenState()));
        }
    }

    @Test
    void choiceWithOwnCandidatesPerRow() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            ChoiceScorer scorer = new ChoiceScorer(new Decoder(w, null), 0);
            int[][] prompts = {PREFIX, SUFFIXES.get(2)};
            float[][] perRow = scorer.choose(m, prompts, new int[][] {{11, 22}, {33, 44}});
            float[][] first = scorer.choose(m, new int[][] {PREFIX}, new int[] {11, 22});
            float[][] second = scorer.choose(m, new int[][] {SUFFIXES.get(2)}, new int[] {33, 44});
            assertEquals(first[0][0], perRow[0][0], 1e-6);
            assertEquals(first[0][1], perRow[0][1], 1e-6);
            assertEquals(second[0][0], perRow[1][0], 1e-6);
            assertEquals(1.0, perRow[1][0] + perRow[1][1], 1e-6);
            assertThrows(IllegalArgumentException.class, () -> scorer.choose(m, prompts, new int[][] {{11}, {33, 44}}));
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
