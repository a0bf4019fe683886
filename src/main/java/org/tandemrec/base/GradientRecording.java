package org.tandemrec.base;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records the autograd graph on the calling thread while open. PyTorch keeps its grad mode per
 * thread, so models on different threads (baselines trained side by side) each record their own
 * graph; DJL's gradient collector does the same calls but refuses a second collector anywhere in
 * the process. Open it and close it on one thread.
 */
public final class GradientRecording implements AutoCloseable {
    private final boolean before;

    public GradientRecording() {
        before = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Backpropagates the scalar {@code loss}: gradients accumulate into the arrays that require them. */
    public void backward(NDArray loss) {
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
        }
    }

    @Override
    public void close() {
        if (!before) {
            JniUtils.setGradMode(false);
        }
    }
}
