package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;

/**
 * Scores prompts by the next-token distribution at their last position, restricted to a few
 * candidate tokens: P(candidate_j) = softmax over the candidates' logits only. With the
 * candidates {Yes, No} this is CoReLLa's click probability; with {@code <iid_k>} tokens it is
 * BDLM's constrained top-K choice. A batch is left-padded and run in one forward pass with
 * explicit position ids, so each row scores as if alone.
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
        if (prompts.length == 0) {
            throw new IllegalArgumentException("prompts must not be empty");
        }
        if (candidates.length == 0) {
            throw new IllegalArgumentException("candidates must not be empty");
        }
        int vocab = decoder.config().vocabSize();
        for (int c : candidates) {
            if (c < 0 || c >= vocab) {
                throw new IllegalArgumentException("candidate token " + c + " outside the vocabulary of " + vocab);
            }
        }
        int b = prompts.length;
        int t = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("prompts must not be empty sequences");
            }
            t = Math.max(t, p.length);
        }
        int[][] ids = new int[b][t];
        int[][] mask = new int[b][t];
        int[][] pos = new int[b][t];
        for (int i = 0; i < b; i++) {
            int pad = t - prompts[i].length;
            java.util.Arrays.fill(ids[i], 0, pad, padId);
            System.arraycopy(prompts[i], 0, ids[i], pad, prompts[i].length);
            for (int j = pad; j < t; j++) {
                mask[i][j] = 1;
                pos[i][j] = j - pad;
            }
        }
        try (NDManager m = manager.newSubManager()) {
            DecoderOutput o = decoder.forwardLastPosition(m, ids, mask, pos, null);
            NDArray last = o.logits().get(new NDIndex(":, -1, :"));
            NDArray idx = m.create(candidates, new Shape(candidates.length)).toType(DataType.INT64, false);
            NDArray probs = last.get(new NDIndex(":, {}", idx)).softmax(-1);
            float[] flat = probs.toFloatArray();
            float[][] out = new float[b][candidates.length];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * candidates.length, out[i], 0, candidates.length);
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
