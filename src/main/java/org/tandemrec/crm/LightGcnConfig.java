package org.tandemrec.crm;

/**
 * LightGCN settings.
 *
 * @param dim      embedding size d (> 0)
 * @param layers   propagation layers L (>= 0; the paper uses 3)
 * @param l2       L2 weight λ on the layer-0 embeddings of each batch's users, positives and negatives (>= 0)
 * @param initStd  standard deviation of the normal initialisation (> 0; the paper's code uses 0.1)
 */
public record LightGcnConfig(int dim, int layers, double l2, double initStd) {
    public LightGcnConfig {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be > 0, got " + dim);
        }
        if (layers < 0) {
            throw new IllegalArgumentException("layers must be >= 0, got " + layers);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0 and finite, got " + l2);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be > 0 and finite, got " + initStd);
        }
    }

    /** d = 64, L = 3, λ = 1e-4, std 0.1 (the paper's setting). */
    public static LightGcnConfig defaults() {
        return new LightGcnConfig(64, 3, 1e-4, 0.1);
    }
}
