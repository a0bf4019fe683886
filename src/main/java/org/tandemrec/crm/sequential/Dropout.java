package org.tandemrec.crm.sequential;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.tandemrec.crm.AutogradStep;

/** Inverted dropout with masks drawn from a seeded stream, so a training run is replayable. */
final class Dropout {
    /** No dropout: inference. */
    static final Dropout NONE = new Dropout(0, null);

    private final double rate;
    private final SplittableRandom random;

    Dropout(double rate, SplittableRandom random) {
        this.rate = rate;
        this.random = random;
    }

    NDArray apply(AutogradStep step, NDArray x) {
        if (rate == 0) {
            return x;
        }
        int n = (int) x.size();
        float keep = (float) (1 / (1 - rate));
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextDouble() < rate ? 0f : keep;
        }
        return x.mul(step.constant(mask, x.getShape()));
    }
}
