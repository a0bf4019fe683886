package org.tandemrec.crm.ctr;

import java.util.List;
import org.tandemrec.base.UsageException;

/**
 * DCNv2 settings (Wang et al. 2021, "DCN V2", Section 3).
 *
 * @param embeddingDim   embedding size per field (> 0; paper and default 16)
 * @param crossLayers    number of cross layers L (> 0; default 3)
 * @param crossKind      FULL: x_{l+1} = x_0 ⊙ (W_l x_l + b_l) + x_l (Eq. 1); LOW_RANK_MIXTURE: a
 *                       gated mixture of {@code experts} rank-{@code rank} experts (Eq. 3)
 * @param rank           rank r of each low-rank expert (> 0; used by LOW_RANK_MIXTURE)
 * @param experts        number of experts K (> 0; used by LOW_RANK_MIXTURE)
 * @param deepLayers     hidden sizes of the ReLU MLP (each > 0; default 256, 128)
 * @param structure      STACKED (deep network on the cross output) or PARALLEL (both on x_0, outputs concatenated)
 * @param historyLength  the last H items of the user's history are mean-pooled (> 0; default 20)
 * @param initStd        standard deviation of the normal embedding initialisation (> 0)
 */
public record DcnV2Config(int embeddingDim, int crossLayers, CrossKind crossKind, int rank, int experts,
                          List<Integer> deepLayers, Structure structure, int historyLength, double initStd)
        implements CtrConfig {
    /** Full-rank or low-rank-mixture cross layers. */
    public enum CrossKind { FULL, LOW_RANK_MIXTURE }

    /** How the cross and deep networks are combined (paper Fig. 2). */
    public enum Structure { STACKED, PARALLEL }

    public DcnV2Config {
        if (embeddingDim <= 0) {
            throw new UsageException("embeddingDim must be > 0, got " + embeddingDim);
        }
        if (crossLayers <= 0) {
            throw new UsageException("crossLayers must be > 0, got " + crossLayers);
        }
        if (crossKind == null) {
            throw new UsageException("crossKind must be full or low_rank_mixture");
        }
        if (rank <= 0) {
            throw new UsageException("rank must be > 0, got " + rank);
        }
        if (experts <= 0) {
            throw new UsageException("experts must be > 0, got " + experts);
        }
        if (deepLayers == null) {
            throw new UsageException("deepLayers must be a list of sizes (may be empty)");
        }
        deepLayers = List.copyOf(deepLayers);
        for (int k = 0; k < deepLayers.size(); k++) {
            if (deepLayers.get(k) <= 0) {
                throw new UsageException("deepLayers[" + k + "] must be > 0, got " + deepLayers.get(k));
            }
        }
        if (structure == null) {
            throw new UsageException("structure must be stacked or parallel");
        }
        if (historyLength <= 0) {
            throw new UsageException("historyLength must be > 0, got " + historyLength);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new UsageException("initStd must be > 0 and finite, got " + initStd);
        }
    }

    /** The defaults: d=16, 3 full-rank cross layers, MLP 256-128, stacked, H=20. */
    public static DcnV2Config defaults() {
        return new DcnV2Config(16, 3, CrossKind.FULL, 32, 4, List.of(256, 128), Structure.STACKED, 20, 0.05);
    }
}
