package org.tandemrec.crm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The differentiable functions the DJL models are built from (as {@code torch.nn.functional}):
 * an affine map, activations, layer normalisation and the binary cross-entropy loss, each a
 * native engine op so that it records its gradient inside an {@link AutogradStep}. Shapes: B
 * batch, n inputs, m outputs, H normalised width.
 */
public final class TensorFunctions {
    private TensorFunctions() {
    }

    /** x (… × n) · W (n × m) + b (1 × m); {@code b} may be null. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return b == null ? x.matMul(w) : x.matMul(w).add(b);
    }

    /** Mean binary cross-entropy of logits z against 0/1 labels y: softplus(z) − y·z (the engine's softplus is stable). */
    public static NDArray bceWithLogits(NDArray z, NDArray y) {
        return softplus(z).sub(y.mul(z)).mean();
    }

    /** log(1 + e^x), natively (no scalar operands, see {@link AutogradStep#constant}). */
    public static NDArray softplus(NDArray x) {
        return x.getNDArrayInternal().softPlus();
    }

    /** max(x, 0), natively. */
    public static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    /** GELU (the exact, erf-based form), natively. */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** Layer normalisation over the last axis (width H) with gain and bias (1 × H), ε = 1e-5. */
    public static NDArray layerNorm(NDArray x, NDArray gain, NDArray bias) {
        long h = x.getShape().get(x.getShape().dimension() - 1);
        return x.getNDArrayInternal().layerNorm(x, new Shape(h), gain.reshape(h), bias.reshape(h), 1e-5f)
                .singletonOrThrow();
    }
}
