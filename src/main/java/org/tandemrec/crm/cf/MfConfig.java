package org.tandemrec.crm.cf;

import org.tandemrec.base.UsageException;

/**
 * Matrix factorisation settings.
 *
 * @param dim        embedding size d (> 0)
 * @param loss       BPR (pairwise, one uniform negative per positive; Rendle et al. 2009) or
 *                   BCE (pointwise: each training row with its 0/1 value as target, plus
 *                   {@code negatives} uniform negatives per row)
 * @param negatives  sampled negatives per row for BCE (>= 0: 0 trains on labelled rows alone, as
 *                   for CTR data with explicit labels; BPR needs > 0)
 * @param l2         L2 weight on the batch's embedding rows (>= 0)
 * @param initStd    normal initialisation standard deviation (> 0)
 */
public record MfConfig(int dim, Loss loss, int negatives, double l2, double initStd) {
    /** Training objective. */
    public enum Loss { BPR, BCE }

    public MfConfig {
        if (dim <= 0) {
            throw new UsageException("dim must be > 0, got " + dim);
        }
        if (loss == null) {
            throw new UsageException("loss must be bpr or bce");
        }
        if (negatives < 0 || (loss == Loss.BPR && negatives == 0)) {
            throw new UsageException("negatives must be " + (loss == Loss.BPR ? "> 0" : ">= 0") + ", got "
                    + negatives);
        }
        if (!(l2 >= 0) || Double.isInfinite(l2)) {
            throw new UsageException("l2 must be >= 0 and finite, got " + l2);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new UsageException("initStd must be > 0 and finite, got " + initStd);
        }
    }

    public static MfConfig bpr(int dim) {
        return new MfConfig(dim, Loss.BPR, 1, 1e-4, 0.1);
    }

    public static MfConfig bce(int dim) {
        return new MfConfig(dim, Loss.BCE, 4, 1e-4, 0.1);
    }

    /** Pointwise BCE on explicitly labelled rows, no sampled negatives (CTR data). */
    public static MfConfig labelledBce(int dim) {
        return new MfConfig(dim, Loss.BCE, 0, 1e-4, 0.1);
    }
}
