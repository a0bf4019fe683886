package org.tandemrec.llm.decoder;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.tandemrec.base.UsageException;

/**
 * The PyTorch engine's intra-op thread count (process-wide). Small models are dominated by
 * per-operation overhead, which extra threads only add to (and on a shared, busy machine the
 * OpenMP workers wait for cores): one thread runs the tiny fixtures several times faster, while
 * large matrix products want every core.
 */
public final class TorchThreads {
    private TorchThreads() {
    }

    /** Sets the intra-op thread count; {@code threads} must be > 0. */
    public static void set(int threads) {
        if (threads <= 0) {
            throw new UsageException("threads must be > 0, got " + threads);
        }
        Engine.getEngine("PyTorch"); // the native library must be loaded first
        JniUtils.setNumThreads(threads);
    }

    public static int get() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }
}
