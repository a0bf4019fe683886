package org.tandemrec.llm.decoder;

import java.util.HashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), with PyTorch's {@code
 * torch.optim.AdamW} arithmetic: p ← p·(1 − lr·wd); m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²;
 * p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε). Holds settings and per-parameter moments
 * for small parameter sets (LoRA matrices) as Java arrays.
 */
public final class AdamW {
    /** Optimiser settings, validated. */
    public record Settings(float lr, float beta1, float beta2, float eps, float weightDecay) {
        public Settings {
            if (!(lr > 0)) {
                throw new IllegalArgumentException("lr must be > 0, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
            }
            if (!(eps > 0)) {
                throw new IllegalArgumentException("eps must be > 0, got " + eps);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
            }
        }
    }

    private final Settings s;
    private final Map<String, float[]> m = new HashMap<>();
    private final Map<String, float[]> v = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    public AdamW(Settings settings) {
        this.s = settings;
    }

    /** Updates {@code param} in place from {@code grad}. */
    public void step(String name, float[] param, float[] grad) {
        if (param.length != grad.length) {
            throw new IllegalArgumentException(name + ": " + param.length + " parameters but " + grad.length + " gradients");
        }
        float[] mm = m.computeIfAbsent(name, k -> new float[param.length]);
        float[] vv = v.computeIfAbsent(name, k -> new float[param.length]);
        int t = steps.merge(name, 1, Integer::sum);
        double bc1 = 1 - Math.pow(s.beta1(), t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(s.beta2(), t));
        float stepSize = (float) (s.lr() / bc1);
        float decay = 1 - s.lr() * s.weightDecay();
        for (int i = 0; i < param.length; i++) {
            float g = grad[i];
            param[i] *= decay;
            mm[i] = s.beta1() * mm[i] + (1 - s.beta1()) * g;
            vv[i] = s.beta2() * vv[i] + (1 - s.beta2()) * g * g;
            float denom = (float) (Math.sqrt(vv[i]) / bc2Sqrt) + s.eps();
            param[i] -= stepSize * mm[i] / denom;
        }
    }
}
