package org.tandemrec.crm.ctr;

import java.util.List;

/**
 * xDeepFM settings (Lian et al. 2018, "xDeepFM: Combining Explicit and Implicit Feature
 * Interactions for Recommender Systems"). Every feature map of a CIN layer feeds both the
 * next layer and the output (the paper's split-half variant is not offered).
 *
 * @param embeddingDim   embedding size D per field (> 0; default 16)
 * @param cinLayers      feature maps H_k of each CIN layer (at least one, each > 0; default
 *                       64-64-64, see {@link #defaults})
 * @param deepLayers     hidden sizes of the DNN on the concatenated embeddings (each > 0; empty:
 *                       no DNN; default 256-128 as DCNv2's)
 * @param historyLength  the last H items of the user's history are mean-pooled (> 0; default 20)
 * @param initStd        standard deviation of the normal initialisation of the embedding and
 *                       linear tables (> 0)
 */
public record XDeepFmConfig(int embeddingDim, List<Integer> cinLayers, List<Integer> deepLayers, int historyLength,
                            double initStd) implements CtrConfig {
    public XDeepFmConfig {
        CtrConfigChecks.positive("embeddingDim", embeddingDim);
        cinLayers = CtrConfigChecks.sizes("cinLayers", cinLayers, false);
        deepLayers = CtrConfigChecks.sizes("deepLayers", deepLayers, true);
        CtrConfigChecks.positive("historyLength", historyLength);
        CtrConfigChecks.positiveFinite("initStd", initStd);
    }

    /**
     * d = 16, CIN 64-64-64, DNN 256-128, H = 20. A CIN layer's cost grows with F·H_{k-1}·H_k·D per
     * example, and its outer products (F·H_{k-1}·D values per example) dominate on a CPU: on
     * data shaped like ml-100k's (F = 8) one PyTorch thread trained 64-64-64 about 25 times
     * slower than DCNv2, and the paper's 200-200-200 another 4.5 times slower, so the default is
     * smaller than the paper's.
     */
    public static XDeepFmConfig defaults() {
        return new XDeepFmConfig(16, List.of(64, 64, 64), List.of(256, 128), 20, 0.05);
    }
}
