package org.tandemrec.crm.cf;

import org.tandemrec.base.UsageException;

/**
 * LightGCN settings.
 *
 * @param dim      embedding size d (> 0)
 * @param layers   propagation layers L (>= 0; the paper uses 3)
 * @param l2       L2 weight λ on the layer-0 embeddings of each batch's users, positives and negatives (>= 0)
 * @param initStd  standard deviation of the normal initialisation (> 0; the paper's code uses 0.1)
 * @param refreshEvery recompute the forward propagation every this many steps (>= 1). 1 is exact
 *                 LightGCN; k > 1 scores batches with final embeddings up to k−1 updates stale
 *                 (the backward stays exact), which halves the propagation cost per step
 */
public record LightGcnConfig(int dim, int layers, double l2, double initStd, int refreshEvery) {
    public LightGcnConfig {
        if (dim <= 0) {
            throw new UsageException("dim must be > 0, got " + dim);
        }
        if (layers < 0) {
            throw new UsageException("layers must be >= 0, got " + layers);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new UsageException("l2 must be >= 0 and finite, got " + l2);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new UsageException("initStd must be > 0 and finite, got " + initStd);
        }
        if (refreshEvery < 1) {
            throw new UsageException("refreshEvery must be >= 1, got " + refreshEvery);
        }
    }

    /** d = 64, L = 3, λ = 1e-4, std 0.1 (the paper's setting), exact forward every step. */
    public static LightGcnConfig defaults() {
        return new LightGcnConfig(64, 3, 1e-4, 0.1, 1);
    }

    /** Exact LightGCN with the given size, layers and L2 weight (std 0.1). */
    public static LightGcnConfig of(int dim, int layers, double l2) {
        return new LightGcnConfig(dim, layers, l2, 0.1, 1);
    }
}
