package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.PaddedBatch;

/**
 * Scores prompts by the next-token distribution at their last position, restricted to a few
 * candidate tokens: P(candidate_j) = softmax over the candidates' logits only. With the
 * candidates {Yes, No} this is CoReLLa's click probability; with {@code <iid_k>} tokens it is
 * BDLM's constrained top-K choice. A batch is left-padded ({@link PaddedBatch}) and run in one
 * forward pass, so each row scores as if alone.
 */
public final class ChoiceScorer {
    private final Decoder decoder;
    private final int padId;

    public ChoiceScorer(Decoder decoder, int padId) {
        this.decoder = decoder;
        this.padId = padId;
    }

    /** [B][C] probabilities of {@code candidates} after each prompt (rows sum to 1). */
    public float[][] choose(NDManager manager, int[][] prompts, int[] candidates) {
        int[][] perRow = new int[prompts.length][];
        java.util.Arrays.fill(perRow, candidates);
        return choose(manager, prompts, perRow);
    }

    /**
     * [B][C] probabilities of each prompt's own candidates after it (rows sum to 1), e.g. the
     * item tokens of each user's candidate list; every row has C candidates.
     */
    public float[][] choose(NDManager manager, int[][] prompts, int[][] candidates) {
        if (candidates.length != prompts.length) {
            throw new IllegalArgumentException(prompts.length + " prompts but " + candidates.length + " candidate rows");
        }
        int c = candidates.length == 0 ? 0 : candidates[0].length;
        int vocab = decoder.config().vocabSize();
        long[] flat = new long[candidates.length * c];
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i].length != c || c == 0) {
                throw new IllegalArgumentException("every row needs the same number of candidates (at least one); row " + i
                        + " has " + candidates[i].length + ", row 0 " + c);
            }
            for (int j = 0; j < c; j++) {
                int id = candidates[i][j];
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("candidate token " + id + " outside the vocabulary of " + vocab);
                }
                flat[i * c + j] = id;
            }
        }
        PaddedBatch batch = PaddedBatch.leftPadded(prompts, padId);
        int b = batch.rows();
        try (NDManager m = manager.newSubManager()) {
            DecoderOutput o = decoder.forwardLastPosition(m, batch.ids(), batch.mask(), batch.positions(), null);
            NDArray last = o.logits().get(new NDIndex(":, -1, :"));
            NDArray idx = m.create(flat, new Shape(b, c));
            float[] probs = last.gather(idx, 1).softmax(-1).toFloatArray();
            float[][] out = new float[b][c];
            for (int i = 0; i < b; i++) {
                System.arraycopy(probs, i * c, out[i], 0, c);
            }
            return out;
        }
    }

    /** P(yes) for each prompt: softmax over the Yes and No tokens' logits at the last position. */
    public float[] yesProbability(NDManager manager, int[][] prompts, int yesId, int noId) {
        float[][] p = choose(manager, prompts, new int[] {yesId, noId});
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i][0];
        }
        return out;
    }
}
