package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
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
        if (candidates.length == 0) {
            throw new IllegalArgumentException("candidates must not be empty");
        }
        int vocab = decoder.config().vocabSize();
        for (int c : candidates) {
            if (c < 0 || c >= vocab) {
                throw new IllegalArgumentException("candidate token " + c + " outside the vocabulary of " + vocab);
            }
        }
        PaddedBatch batch = PaddedBatch.leftPadded(prompts, padId);
        int b = batch.rows();
        try (NDManager m = manager.newSubManager()) {
            DecoderOutput o = decoder.forwardLastPosition(m, batch.ids(), batch.mask(), batch.positions(), null);
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
