package org.tandemrec.crm;

import java.util.List;

/**
 * DCNv2 settings (Wang et al., WWW 2021).
 *
 * @param embeddingDim  size e of every field embedding (> 0)
 * @param crossLayers   number of full-rank cross layers (>= 1; 3 in CoReLLa)
 * @param deepLayers    widths of the deep ReLU tower (may be empty)
 * @param structure     STACKED (deep tower on the cross output, Fig. 1b) or PARALLEL (both on x_0, Fig. 1a)
 * @param historyLength recent positive items mean-pooled into the history field (>= 0; 0 drops the field)
 * @param l2            L2 weight on the embedding rows of each example (>= 0)
 * @param initStd       embedding initialisation standard deviation (> 0)
 */
public record DcnConfig(int embeddingDim, int crossLayers, List<Integer> deepLayers, Structure structure,
                        int historyLength, double l2, double initStd) {
    /** How the cross and deep parts are combined. */
    public enum Structure { STACKED, PARALLEL }

    public DcnConfig {
        if (embeddingDim <= 0) {
            throw new IllegalArgumentException("embeddingDim must be > 0, got " + embeddingDim);
        }
        if (crossLayers < 1) {
            throw new IllegalArgumentException("crossLayers must be >= 1, got " + crossLayers);
        }
        deepLayers = List.copyOf(deepLayers == null ? List.of() : deepLayers);
        for (int w : deepLayers) {
            if (w <= 0) {
                throw new IllegalArgumentException("deepLayers widths must be > 0, got " + deepLayers);
            }
        }
        if (structure == null) {
            throw new IllegalArgumentException("structure must be stacked or parallel");
        }
        if (historyLength < 0) {
            throw new IllegalArgumentException("historyLength must be >= 0, got " + historyLength);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0 and finite, got " + l2);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be > 0 and finite, got " + initStd);
        }
    }

    /** e = 16, 3 cross layers, deep [256, 128], stacked, history of 10 items. */
    public static DcnConfig defaults() {
        return new DcnConfig(16, 3, List.of(256, 128), Structure.STACKED, 10, 0, 0.01);
    }
}
