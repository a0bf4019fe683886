package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Small autograd building blocks shared by the DJL models (B batch, n inputs, m outputs). */
final class NdOps {
    private NdOps() {
    }

    /** x (… × n) · W (n × m) + b (1 × m). */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return b == null ? x.matMul(w) : x.matMul(w).add(b);
    }

    /** Mean binary cross-entropy of logits z against 0/1 labels y, computed stably: max(z,0) − y·z + log(1+e^−|z|). */
    static NDArray bceWithLogits(NDArray z, NDArray y) {
        return z.maximum(0f).sub(y.mul(z)).add(z.abs().neg().exp().add(1f).log()).mean();
    }

    /** Layer normalisation over the last axis with gain and bias (1 × H). */
    static NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        long h = x.getShape().get(x.getShape().dimension() - 1);
        return x.getNDArrayInternal().layerNorm(x, new Shape(h), gain.reshape(h), bias.reshape(h), 1e-5f)
                .singletonOrThrow();
    }

    static float sigmoid(float z) {
        return 1f / (1f + (float) Math.exp(-z));
    }
}
