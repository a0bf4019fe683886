package org.tandemrec.crm.ctr;

import java.util.List;

/**
 * AutoInt settings (Song et al. 2019, "AutoInt: Automatic Feature Interaction Learning via
 * Self-Attentive Neural Networks": the interacting layer of §4.3, the paper's settings).
 *
 * @param embeddingDim   embedding size d per field (> 0; paper 16)
 * @param layers         interacting layers L (> 0; paper 3)
 * @param heads          attention heads H per layer (> 0; paper 2)
 * @param attentionSize  size d' of each head's query, key and value (> 0; paper 32)
 * @param deepLayers     hidden sizes of the feed-forward network trained beside the attention
 *                       layers, the paper's AutoInt+; empty (the default): plain AutoInt
 * @param historyLength  the last H items of the user's history are mean-pooled (> 0; default 20)
 * @param initStd        standard deviation of the normal embedding initialisation (> 0)
 */
public record AutoIntConfig(int embeddingDim, int layers, int heads, int attentionSize, List<Integer> deepLayers,
                            int historyLength, double initStd) implements CtrConfig {
    public AutoIntConfig {
        CtrConfigChecks.positive("embeddingDim", embeddingDim);
        CtrConfigChecks.positive("layers", layers);
        CtrConfigChecks.positive("heads", heads);
        CtrConfigChecks.positive("attentionSize", attentionSize);
        deepLayers = CtrConfigChecks.sizes("deepLayers", deepLayers, true);
        CtrConfigChecks.positive("historyLength", historyLength);
        CtrConfigChecks.positiveFinite("initStd", initStd);
    }

    /** The paper's setting: d = 16, 3 layers of 2 heads of size 32, no DNN; H = 20. */
    public static AutoIntConfig defaults() {
        return new AutoIntConfig(16, 3, 2, 32, List.of(), 20, 0.05);
    }
}
