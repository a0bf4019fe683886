package org.tandemrec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Constant tensors whose memory the engine owns, for graphs that autograd differentiates.
 *
 * <p>Why: DJL's PyTorch engine wraps Java data ({@code create(float[])}, and the temporary scalar
 * of every {@code mul(Number)}, {@code div(Number)}, {@code pow(Number)}) around Java-owned
 * memory that the garbage collector frees once the wrapping NDArray is closed. Autograd keeps the
 * operands a backward pass needs (the constant of a product, the exponent of a power), so a
 * backward after such a close read freed memory: gradients were intermittently wrong or garbage
 * when a collection happened between the two passes. Constants made here are copies the engine
 * owns (reference-counted with the graph), so closing their NDArray is always safe.
 */
public final class TensorConstants {
    private TensorConstants() {
    }

    /** A 0-dimensional float32 constant in engine memory, attached to {@code manager}. */
    public static NDArray scalar(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }

    /** {@code values} in {@code shape} as an engine-owned float32 tensor attached to {@code manager}. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** {@code values} in {@code shape} as an engine-owned int64 tensor attached to {@code manager}. */
    public static NDArray of(NDManager manager, long[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** An engine-owned copy of an array made from Java data; the Java-backed original is closed. */
    public static NDArray owned(NDArray fromJava) {
        NDArray copy = fromJava.duplicate();
        fromJava.close();
        return copy;
    }
}
