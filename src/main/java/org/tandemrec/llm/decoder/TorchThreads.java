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
    /**
     * The smallest hidden size whose training and prefill take every core by default: the demo
     * model (H 256, batches of 8 × 128) trained 1.7× and prefilled 1.6× faster on two threads than
     * on one, while the test fixtures (H ≤ 64) run faster on one.
     */
    public static final int ALL_CORES_FROM_HIDDEN = 256;
    /** The environment variable the launcher reads for the engine's thread count; set, it is the user's choice. */
    public static final String ENV = "TANDEM_TORCH_THREADS";
    private static volatile boolean chosen;

    private TorchThreads() {
    }

    /** Forgets a {@link #choose} (tests share one process). */
    static void forgetChoice() {
        chosen = false;
    }

    /** Sets the thread count as the user's choice (--threads): {@link #forModel} then leaves it alone. */
    public static void choose(int threads) {
        set(threads);
        chosen = true;
    }

    /**
     * Every core while {@code config}'s model trains or prefills when it is large enough ({@link
     * #ALL_CORES_FROM_HIDDEN}) and the user chose no count ({@code --threads}, {@value #ENV});
     * otherwise the engine's count as it is. Closing the scope restores the count it found.
     */
    public static Scope forModel(LlamaConfig config) {
        int before = get();
        String env = System.getenv(ENV);
        boolean userChose = chosen || (env != null && !env.isBlank());
        int want = userChose || config.hiddenSize() < ALL_CORES_FROM_HIDDEN ? before
                : Runtime.getRuntime().availableProcessors();
        if (want != before) {
            set(want);
        }
        return new Scope(before, want);
    }

    /** A thread count in force until closed; {@link #threads()} is the count it set. */
    public static final class Scope implements AutoCloseable {
        private final int before;
        private final int threads;

        private Scope(int before, int threads) {
            this.before = before;
            this.threads = threads;
        }

        public int threads() {
            return threads;
        }

        @Override
        public void close() {
            if (threads != before) {
                set(before);
            }
        }
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
