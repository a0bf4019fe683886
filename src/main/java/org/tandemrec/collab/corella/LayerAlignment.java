package org.tandemrec.collab.corella;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.crm.AutogradStep;
import org.tandemrec.crm.TensorFunctions;
import org.tandemrec.crm.WeightInit;
import org.tandemrec.train.Parameter;

/**
 * CoReLLa's layer-wise alignment loss (arXiv 2403.16378 §3.2):
 * {@code L_cal = Σ_j mean_i ‖ g_llm,j(h_llm[i, S_j]) − g_crm,j(h_crm[i, T_j]) ‖₂^p}, with h_llm
 * the output of LLM block S_j pooled at one token (the last prompt token), h_crm the output of
 * DCNv2 cross layer T_j, and g linear projections into a shared dimension, one pair of heads per
 * aligned pair. The paper sums over the batch; the mean keeps γ independent of the batch size.
 *
 * <p>With {@code normalize} (the default of a run) both projections are scaled to unit length
 * before the distance, so {@code L_cal} lies in [0, 2^p] per pair. Without it the heads can lower
 * the loss by shrinking both sides towards zero, and its size follows the hidden states' scale: on
 * the demo model the raw squared distance started near 17,000, so γ = 0.1 made it a hundred times
 * the task losses and the clipped gradient served the alignment alone.
 */
public final class LayerAlignment {
    /**
     * One aligned pair: LLM block {@code llmBlock} (1-based: block 1 is the first transformer
     * block, block L the last, read after the final norm) and DCNv2 cross layer {@code crossLayer}
     * (0-based, as its outputs {@code cross_l} are named).
     */
    public record Pair(int llmBlock, int crossLayer) {
        public Pair {
            if (llmBlock < 1 || crossLayer < 0) {
                throw new UsageException("an aligned pair needs LLM block >= 1 and cross layer >= 0, got "
                        + llmBlock + ", " + crossLayer);
            }
        }
    }

    private final List<Pair> pairs;
    private final double p;
    private final boolean normalize;
    private final List<Parameter> params = new ArrayList<>();

    /**
     * @param llmHidden  the LLM's hidden size
     * @param crossWidth the width of DCNv2's cross layers (fields × embedding size)
     * @param sharedDim  the projections' common dimension
     * @param p          the norm's power (2: squared Euclidean distance)
     * @param normalize  whether both projections are scaled to unit length first
     */
    public LayerAlignment(List<Pair> pairs, int llmHidden, int crossWidth, int sharedDim, double p, boolean normalize,
                          long seed) {
        if (pairs.isEmpty()) {
            throw new UsageException("alignment needs at least one (LLM block, cross layer) pair");
        }
        if (sharedDim <= 0) {
            throw new UsageException("shared_dim must be > 0, got " + sharedDim);
        }
        if (!(p > 0) || Double.isInfinite(p)) {
            throw new UsageException("align_p must be > 0 and finite, got " + p);
        }
        this.pairs = List.copyOf(pairs);
        this.p = p;
        this.normalize = normalize;
        SplittableRandom r = new SplittableRandom(seed ^ 0xA11C9L);
        for (int j = 0; j < pairs.size(); j++) {
            params.add(WeightInit.glorotNormal("align_" + j + "_llm_w", llmHidden, sharedDim, r));
            params.add(WeightInit.zeros("align_" + j + "_llm_b", sharedDim));
            params.add(WeightInit.glorotNormal("align_" + j + "_crm_w", crossWidth, sharedDim, r));
            params.add(WeightInit.zeros("align_" + j + "_crm_b", sharedDim));
        }
    }

    /**
     * C pairs spread evenly over the LLM's depth: cross layer j with block round((j+1)·L/C), so
     * the last cross layer meets the last block.
     */
    public static List<Pair> evenlySpaced(int llmBlocks, int crossLayers) {
        List<Pair> out = new ArrayList<>();
        for (int j = 0; j < crossLayers; j++) {
            out.add(new Pair(Math.max(1, (int) Math.round((j + 1) * (double) llmBlocks / crossLayers)), j));
        }
        return out;
    }

    public List<Pair> pairs() {
        return pairs;
    }

    /** The projection heads' weights (trained with the LLM's learning rate). */
    public List<Parameter> parameters() {
        return List.copyOf(params);
    }

    /** Each row over its Euclidean length (a tiny shift keeps a zero row finite). */
    private static NDArray unit(AutogradStep step, NDArray x) {
        NDArray norm = x.mul(x).sum(new int[] {1}, true).add(step.scalar(1e-12f)).sqrt();
        return x.div(norm);
    }

    public boolean normalized() {
        return normalize;
    }

    /**
     * The loss inside {@code step}. {@code llmHidden} are the decoder's hidden states (index 0 the
     * embeddings, index l block l's output, the last after the final norm), each [B, T, H];
     * {@code position} the pooled token; {@code crm} DCNv2's named outputs in the same step.
     */
    public NDArray loss(AutogradStep step, List<NDArray> llmHidden, int position, Map<String, NDArray> crm) {
        NDArray total = null;
        for (int j = 0; j < pairs.size(); j++) {
            Pair pair = pairs.get(j);
            if (pair.llmBlock() >= llmHidden.size()) {
                throw new UsageException("LLM block " + pair.llmBlock() + " does not exist: the model has "
                        + (llmHidden.size() - 1) + " blocks");
            }
            NDArray crossOut = crm.get("cross_" + pair.crossLayer());
            if (crossOut == null) {
                throw new UsageException("DCNv2 has no cross layer " + pair.crossLayer());
            }
            NDArray h = llmHidden.get(pair.llmBlock()).get(new NDIndex(":, {}, :", position));
            NDArray a = TensorFunctions.linear(h, step.dense(params.get(4 * j)), step.dense(params.get(4 * j + 1)));
            NDArray b = TensorFunctions.linear(crossOut, step.dense(params.get(4 * j + 2)), step.dense(params.get(4 * j + 3)));
            if (normalize) {
                a = unit(step, a);
                b = unit(step, b);
            }
            NDArray d = a.sub(b);
            NDArray sq = d.mul(d).sum(new int[] {1});
            // ‖x‖₂^p = (Σ x²)^(p/2); the small shift keeps the gradient finite at 0 for p < 2.
            NDArray dist = p == 2 ? sq : sq.add(step.scalar(1e-12f)).pow(step.scalar((float) (p / 2)));
            NDArray term = dist.mean();
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
