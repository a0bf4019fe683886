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

    /** Mean binary cross-entropy of logits z against 0/1 labels y: softplus(z) − y·z (the engine's softplus is stable). */
    static NDArray bceWithLogits(NDArray z, NDArray y) {
        return softplus(z).sub(y.mul(z)).mean();
    }

    /** log(1 + e^x), natively (no scalar operands, see {@link AutogradStep#constant}). */
    static NDArray softplus(NDArray x) {
        return x.getNDArrayInternal().softPlus();
    }

    /** max(x, 0), natively. */
    static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    /** GELU (the exact, erf-based form), natively. */
    static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
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
