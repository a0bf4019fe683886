package org.tandemrec.crm.ctr;

import java.util.List;

/**
 * FiBiNET settings (Huang et al. 2019, "FiBiNET: Combining Feature Importance and Bilinear
 * feature Interaction for Click-Through Rate Prediction"). The bilinear layer is the
 * field-all type: one k × k matrix W shared by every field pair, one for the original embeddings
 * and one for the SENET-weighted ones.
 *
 * @param embeddingDim    embedding size k per field (> 0; default 16)
 * @param reductionRatio  SENET's reduction ratio r: the excitation's hidden size is max(1, ⌊f/r⌋)
 *                        for f fields (> 0; paper 3)
 * @param deepLayers      hidden sizes of the DNN on the combination layer (each > 0; empty: the
 *                        output reads the combination layer directly; default 256-128 as DCNv2's)
 * @param historyLength   the last H items of the user's history are mean-pooled (> 0; default 20)
 * @param initStd         standard deviation of the normal initialisation of the embedding and
 *                        linear tables (> 0)
 */
public record FiBiNetConfig(int embeddingDim, int reductionRatio, List<Integer> deepLayers, int historyLength,
                            double initStd) implements CtrConfig {
    public FiBiNetConfig {
        CtrConfigChecks.positive("embeddingDim", embeddingDim);
        CtrConfigChecks.positive("reductionRatio", reductionRatio);
        deepLayers = CtrConfigChecks.sizes("deepLayers", deepLayers, true);
        CtrConfigChecks.positive("historyLength", historyLength);
        CtrConfigChecks.positiveFinite("initStd", initStd);
    }

    /** k = 16, r = 3, DNN 256-128, H = 20. */
    public static FiBiNetConfig defaults() {
        return new FiBiNetConfig(16, 3, List.of(256, 128), 20, 0.05);
    }
}
