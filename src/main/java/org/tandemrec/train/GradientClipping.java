package org.tandemrec.train;

/**
 * Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_: with N the L2 norm of all
 * gradients together, every gradient is scaled by min(1, maxNorm / (N + 1e-6)).
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The L2 norm of all gradients together. */
    public static double norm(ParameterSet parameters) {
        double sq = 0;
        for (Parameter p : parameters.list()) {
            sq += p.gradSquaredNorm();
        }
        return Math.sqrt(sq);
    }

    /** Clips in place and returns the norm before clipping. */
    public static double clip(ParameterSet parameters, double maxNorm) {
        double norm = norm(parameters);
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                for (Parameter p : parameters.list()) {
                    p.scaleGrad((float) coef);
                }
            }
        }
        return norm;
    }
}
