package org.tandemrec.crm.cf;

import java.util.List;
import org.tandemrec.base.UsageException;

/**
 * Neural collaborative filtering settings (He et al., WWW 2017).
 *
 * @param variant    GMF (generalised MF, eq. 9), MLP (eq. 10) or NEUMF (both towers fused, eq. 11–12)
 * @param gmfDim     GMF embedding size d (> 0; ignored by MLP)
 * @param mlpLayers  MLP tower widths; the first is the input width (user and item MLP
 *                   embeddings of half that size each, so it must be even), e.g. [64, 32, 16, 8];
 *                   at least two entries unless the variant is GMF
 * @param negatives  sampled negatives per positive (> 0; the paper uses 4)
 * @param l2         L2 weight on the batch's embedding rows (>= 0)
 * @param initStd    embedding initialisation standard deviation (> 0; the paper uses 0.01)
 */
public record NcfConfig(Variant variant, int gmfDim, List<Integer> mlpLayers, int negatives, double l2, double initStd) {
    /** Which towers the model has. */
    public enum Variant { GMF, MLP, NEUMF }

    public NcfConfig {
        if (variant == null) {
            throw new UsageException("variant must be gmf, mlp or neumf");
        }
        if (gmfDim <= 0) {
            throw new UsageException("gmfDim must be > 0, got " + gmfDim);
        }
        mlpLayers = List.copyOf(mlpLayers == null ? List.of() : mlpLayers);
        if (variant != Variant.GMF) {
            if (mlpLayers.size() < 2) {
                throw new UsageException("mlpLayers must have at least 2 widths (input, output), got " + mlpLayers);
            }
            for (int w : mlpLayers) {
                if (w <= 0) {
                    throw new UsageException("mlpLayers widths must be > 0, got " + mlpLayers);
                }
            }
            if (mlpLayers.get(0) % 2 != 0) {
                throw new UsageException("mlpLayers[0] must be even (user and item halves), got " + mlpLayers.get(0));
            }
        }
        if (negatives <= 0) {
            throw new UsageException("negatives must be > 0, got " + negatives);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new UsageException("l2 must be >= 0 and finite, got " + l2);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new UsageException("initStd must be > 0 and finite, got " + initStd);
        }
    }

    /** GMF with d predictive factors and 4 negatives. */
    public static NcfConfig gmf(int dim) {
        return new NcfConfig(Variant.GMF, dim, List.of(), 4, 0, 0.01);
    }

    /** MLP with tower [2d, d, d/2] (embeddings of d each), 4 negatives. */
    public static NcfConfig mlp(int dim) {
        return new NcfConfig(Variant.MLP, dim, List.of(2 * dim, dim, Math.max(1, dim / 2)), 4, 0, 0.01);
    }

    /** NeuMF with GMF size d and MLP tower [4d, 2d, d], 4 negatives (the paper's pyramid). */
    public static NcfConfig neuMf(int dim) {
        return new NcfConfig(Variant.NEUMF, dim, List.of(4 * dim, 2 * dim, dim), 4, 0, 0.01);
    }

    boolean hasGmf() {
        return variant != Variant.MLP;
    }

    boolean hasMlp() {
        return variant != Variant.GMF;
    }
}
