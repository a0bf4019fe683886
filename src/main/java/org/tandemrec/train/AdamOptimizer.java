package org.tandemrec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.tandemrec.base.RowParallel;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) with PyTorch's conventions, in three variants
 * ({@link TrainConfig.OptimizerKind}), over every {@link Parameter.Kind}. For gradient g, step t
 * (1-based), learning rate lr:
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g·g
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * </pre>
 * <ul>
 *   <li>ADAM: weight decay wd enters the gradient, g ← g + wd·p (torch.optim.Adam).</li>
 *   <li>ADAMW: decoupled decay, p ← p·(1 − lr·wd) (torch.optim.AdamW).</li>
 *   <li>LAZY_ADAM: on row-sparse tables only the rows touched in this step are updated; their
 *       moments are updated as above, untouched rows keep their values and moments unchanged
 *       (they do not decay), and the bias correction uses the global step t — the semantics of
 *       torch.optim.SparseAdam. Decoupled decay, if any, is applied to touched rows only.
 *       Dense parameters and tensors are updated as in ADAMW. The cost of a step is
 *       O(touched rows × cols).</li>
 * </ul>
 * Under ADAM and ADAMW a row-sparse table is treated as dense (untouched rows have gradient 0,
 * their moments still decay), which matches PyTorch on a dense embedding but costs the whole table.
 *
 * <p>A {@link Parameter.Kind#ROW_SPARSE_TENSOR} is always updated lazily, whatever the variant:
 * only its touched rows, with their own moments and their own step counts t_r (the number of
 * steps that touched row r) in the bias correction — each row's moments are averages over its
 * own updates, so a row seen once in a thousand steps is corrected as a first update, not as the
 * thousandth. Weight decay (coupled under ADAM, decoupled otherwise) reaches touched rows only.
 * The gradient of such a parameter is only known on the rows a step touched (see {@code
 * llm.decoder.CausalLmGradients}), so this is the row-sparse approximation of TensorFlow's
 * LazyAdam: a dense update would move the other rows by momentum and decay alone, at a cost
 * proportional to the whole table.
 *
 * <p>Parts of a model may train in turns ({@link TrainingTask#trainedAt}): a step then updates
 * only the parameters given, each with its own step count t in the bias correction (as
 * PyTorch's per-parameter {@code state['step']}), and may scale each one's rate
 * ({@link TrainingTask#learningRateScale}); the others keep their values and moments.
 *
 * <p>Java-array parameters keep their moments in Java arrays. Native tensors keep theirs as
 * tensors in this optimiser's own manager, on the parameter's device (close the optimiser to free
 * them); a tensor without a gradient in a step counts as a zero gradient. A dense CPU tensor is
 * updated through its memory in one fused pass shared by the configured threads, a row-sparse
 * one row by row as a table is; any other (a strided view, another device) by tensor operations
 * in place.
 *
 * <p>Every variant does the same float arithmetic, element by element in the order above; the
 * loops are written so that the JIT vectorises them (all arrays at one index), and the touched
 * rows of a large table are copied in blocks next to their gradients so that their cache misses
 * overlap. Vector lanes round as scalar operations do, so the numbers do not depend on either.
 */
public final class AdamOptimizer implements AutoCloseable {
    private final TrainConfig.OptimizerKind kind;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<Parameter> params;
    private final float[][] m;
    private final float[][] v;
    private final NDArray[][] tensorMoments;
    private final long[][] rowSteps;
    /** Per parameter: a row-sparse tensor whose weights and moments are read and written in place through direct buffers. */
    private final boolean[] inPlace;
    /** Dense tensors updated through their memory in one fused pass (CPU, float32, contiguous). */
    private final boolean[] fused;
    private final int threads;
    private RowParallel pool;
    private NDManager state;
    private long step;
    private final long[] steps;
    private final BiasCorrection bias;
    /** Rows of a step gathered side by side (weights, first and second moments, gradient), reused. */
    private float[] rowW = new float[0];
    private float[] rowM = new float[0];
    private float[] rowV = new float[0];
    private float[] rowG = new float[0];

    public AdamOptimizer(ParameterSet parameters, TrainConfig config) {
        this(parameters, config.optimizer(), config.beta1(), config.beta2(), config.epsilon(), config.weightDecay(),
                config.threads());
    }

    public AdamOptimizer(ParameterSet parameters, TrainConfig.OptimizerKind kind, double beta1, double beta2,
                         double epsilon, double weightDecay) {
        this(parameters, kind, beta1, beta2, epsilon, weightDecay, 1);
    }

    /** {@code threads} share the fused pass over large dense tensors (memory-bound: two cores read faster than one). */
    public AdamOptimizer(ParameterSet parameters, TrainConfig.OptimizerKind kind, double beta1, double beta2,
                         double epsilon, double weightDecay, int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        this.threads = threads;
        this.kind = kind;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.bias = new BiasCorrection(beta1, beta2);
        this.params = parameters.list();
        int n = params.size();
        steps = new long[n];
        m = new float[n][];
        v = new float[n][];
        tensorMoments = new NDArray[n][];
        rowSteps = new long[n][];
        inPlace = new boolean[n];
        fused = new boolean[n];
        for (int k = 0; k < n; k++) {
            Parameter p = params.get(k);
            if (p.isTensor()) {
                if (state == null) {
                    NDArray t = p.tensor();
                    state = NDManager.newBaseManager(t.getDevice(), t.getManager().getEngine().getEngineName());
                }
                tensorMoments[k] = new NDArray[] {state.zeros(p.trainableShape()), state.zeros(p.trainableShape())};
                boolean direct = TensorMemory.writesThrough(p.tensor()) && TensorMemory.writesThrough(tensorMoments[k][0])
                        && TensorMemory.writesThrough(tensorMoments[k][1]);
                if (p.kind() == Parameter.Kind.ROW_SPARSE_TENSOR) {
                    rowSteps[k] = new long[p.rows()];
                    inPlace[k] = direct;
                } else {
                    fused[k] = direct;
                }
            } else {
                m[k] = new float[p.value().length];
                v[k] = new float[p.value().length];
            }
        }
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /** Applies one update of every parameter with learning rate {@code lr} from the current gradients. */
    public void step(double lr) {
        step(lr, null, null);
    }

    /**
     * Applies one update to the parameters {@code trained} accepts (null: all), each with rate
     * {@code lr} times its {@code lrScale} (null: 1).
     */
    public void step(double lr, Predicate<Parameter> trained, ToDoubleFunction<Parameter> lrScale) {
        step++;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            if (trained != null && !trained.test(p)) {
                continue;
            }
            long t = ++steps[k];
            double rate = lrScale == null ? lr : lr * lrScale.applyAsDouble(p);
            double bc2Sqrt = bias.secondSqrt(t);
            double stepSize = rate / bias.first(t);
            boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
            if (p.kind() == Parameter.Kind.ROW_SPARSE_TENSOR) {
                lazyTensorRows(p, tensorMoments[k], rowSteps[k], rate, inPlace[k]);
            } else if (fused[k]) {
                fusedTensorUpdate(p, tensorMoments[k], rate, stepSize, bc2Sqrt);
            } else if (p.isTensor()) {
                tensorUpdate(p, tensorMoments[k], rate, stepSize, bc2Sqrt);
            } else if (p.rowSparse() && kind == TrainConfig.OptimizerKind.LAZY_ADAM) {
                lazyRows(p, m[k], v[k], rate, stepSize, bc2Sqrt);
            } else if (p.rowSparse()) {
                denseOverTable(p, m[k], v[k], rate, stepSize, bc2Sqrt, coupled);
            } else {
                update(p.value(), p.grad(), m[k], v[k], 0, p.value().length, rate, stepSize, bc2Sqrt, coupled);
            }
        }
    }

    /**
     * The touched rows of a table, in blocks: each block's rows of weights and moments are
     * copied side by side next to their gradients, updated in one pass and copied back. Updating
     * rows in place was several times slower on a large table: each row's loads missed cache and
     * TLB and waited for one another behind the row's arithmetic, and the arithmetic did not
     * vectorise, since a row and its gradient slot sit at different offsets (the JIT cannot rule
     * out that they overlap). Copies of independent rows overlap their misses; the side-by-side
     * block is updated with one index for all four arrays, which the JIT vectorises.
     */
    private void lazyRows(Parameter p, float[] mk, float[] vk, double lr, double stepSize, double bc2Sqrt) {
        int cols = p.cols();
        int n = p.touchedCount();
        float[] w = p.value();
        float[] g = p.slotGrad();
        int block = Math.max(1, BLOCK_FLOATS / cols);
        reserveRows(Math.min(n, block) * cols);
        for (int s0 = 0; s0 < n; s0 += block) {
            int s1 = Math.min(n, s0 + block);
            for (int s = s0; s < s1; s++) {
                int o = p.touchedRow(s) * cols;
                int d = (s - s0) * cols;
                System.arraycopy(w, o, rowW, d, cols);
                System.arraycopy(mk, o, rowM, d, cols);
                System.arraycopy(vk, o, rowV, d, cols);
            }
            int len = (s1 - s0) * cols;
            System.arraycopy(g, s0 * cols, rowG, 0, len);
            update(rowW, rowG, rowM, rowV, 0, len, lr, stepSize, bc2Sqrt, false);
            for (int s = s0; s < s1; s++) {
                int o = p.touchedRow(s) * cols;
                int d = (s - s0) * cols;
                System.arraycopy(rowW, d, w, o, cols);
                System.arraycopy(rowM, d, mk, o, cols);
                System.arraycopy(rowV, d, vk, o, cols);
            }
        }
    }

    /** Floats per array in one block of {@link #lazyRows}: four blocks (weights, moments, gradient) stay in a core's L2. */
    private static final int BLOCK_FLOATS = 8192;

    private void reserveRows(int floats) {
        if (rowW.length < floats) {
            rowW = new float[floats];
            rowM = new float[floats];
            rowV = new float[floats];
            rowG = new float[floats];
        }
    }

    /**
     * The touched rows of a row-sparse tensor, updated as a table's rows are (each with its own
     * step count): O(touched rows × cols). On the CPU the rows are copied in blocks straight from
     * and back to the tensors' memory ({@link #writesThrough}); otherwise they are gathered by
     * tensor indexing and scattered back, six engine calls and their copies per step, which took
     * tens of milliseconds for 4,096 rows.
     */
    private void lazyTensorRows(Parameter p, NDArray[] mv, long[] steps, double lr, boolean direct) {
        int n = p.touchedCount();
        if (n == 0) {
            return;
        }
        if (direct) {
            lazyTensorRowsInPlace(p, mv, steps, lr);
            return;
        }
        int cols = p.cols();
        long[] local = new long[n];
        long[] global = new long[n];
        for (int s = 0; s < n; s++) {
            local[s] = p.touchedRow(s);
            global[s] = local[s] + p.firstRow();
        }
        try (NDManager tmp = state.newSubManager()) {
            NDIndex localRows = new NDIndex("{}", tmp.create(local));
            NDIndex globalRows = new NDIndex("{}", tmp.create(global));
            float[] w = owned(p.tensor().get(globalRows), tmp).toFloatArray();
            float[] mk = owned(mv[0].get(localRows), tmp).toFloatArray();
            float[] vk = owned(mv[1].get(localRows), tmp).toFloatArray();
            float[] g = p.slotGrad();
            boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
            for (int s = 0; s < n; s++) {
                long t = ++steps[(int) local[s]];
                // Gathered rows and gradient slots share one index, so this vectorises.
                update(w, g, mk, vk, s * cols, (s + 1) * cols, lr, lr / bias.first(t), bias.secondSqrt(t), coupled);
            }
            Shape shape = new Shape(n, cols);
            p.tensor().set(globalRows, tmp.create(w, shape));
            mv[0].set(localRows, tmp.create(mk, shape));
            mv[1].set(localRows, tmp.create(vk, shape));
        }
    }

    private void lazyTensorRowsInPlace(Parameter p, NDArray[] mv, long[] steps, double lr) {
        int cols = p.cols();
        int n = p.touchedCount();
        FloatBuffer w = TensorMemory.floats(p.tensor());
        FloatBuffer mk = TensorMemory.floats(mv[0]);
        FloatBuffer vk = TensorMemory.floats(mv[1]);
        float[] g = p.slotGrad();
        int first = p.firstRow() * cols;
        boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
        int block = Math.max(1, BLOCK_FLOATS / cols);
        reserveRows(Math.min(n, block) * cols);
        for (int s0 = 0; s0 < n; s0 += block) {
            int s1 = Math.min(n, s0 + block);
            for (int s = s0; s < s1; s++) {
                int o = p.touchedRow(s) * cols;
                int d = (s - s0) * cols;
                w.get(first + o, rowW, d, cols);
                mk.get(o, rowM, d, cols);
                vk.get(o, rowV, d, cols);
            }
            System.arraycopy(g, s0 * cols, rowG, 0, (s1 - s0) * cols);
            for (int s = s0; s < s1; s++) {
                long t = ++steps[p.touchedRow(s)];
                int d = (s - s0) * cols;
                update(rowW, rowG, rowM, rowV, d, d + cols, lr, lr / bias.first(t), bias.secondSqrt(t), coupled);
            }
            for (int s = s0; s < s1; s++) {
                int o = p.touchedRow(s) * cols;
                int d = (s - s0) * cols;
                w.put(first + o, rowW, d, cols);
                mk.put(o, rowM, d, cols);
                vk.put(o, rowV, d, cols);
            }
        }
    }

    /** Dense reference semantics over a table: every row is updated, untouched rows with a zero gradient. */
    private void denseOverTable(Parameter p, float[] mk, float[] vk, double lr, double stepSize, double bc2Sqrt,
                                boolean coupled) {
        int cols = p.cols();
        float[] w = p.value();
        float[] g = p.slotGrad();
        int block = Math.max(1, BLOCK_FLOATS / cols);
        reserveRows(Math.min(p.rows(), block) * cols);
        for (int r0 = 0; r0 < p.rows(); r0 += block) {
            int r1 = Math.min(p.rows(), r0 + block);
            int len = (r1 - r0) * cols;
            for (int row = r0; row < r1; row++) {
                int slot = p.slotOf(row);
                if (slot < 0) {
                    Arrays.fill(rowG, (row - r0) * cols, (row - r0 + 1) * cols, 0f);
                } else {
                    System.arraycopy(g, slot * cols, rowG, (row - r0) * cols, cols);
                }
            }
            // The rows are contiguous: updated in place, the gradient copied to their offsets.
            int o = r0 * cols;
            System.arraycopy(w, o, rowW, 0, len);
            System.arraycopy(mk, o, rowM, 0, len);
            System.arraycopy(vk, o, rowV, 0, len);
            update(rowW, rowG, rowM, rowV, 0, len, lr, stepSize, bc2Sqrt, coupled);
            System.arraycopy(rowW, 0, w, o, len);
            System.arraycopy(rowM, 0, mk, o, len);
            System.arraycopy(rowV, 0, vk, o, len);
        }
    }

    /**
     * Adam on entries [from, to) of w, m and v with gradient g, all four at the same index: the
     * JIT vectorises this loop (with different offsets per array it cannot, as the arrays might
     * overlap). Vector lanes round as the scalar operations do, so the numbers are the same.
     */
    private void update(float[] w, float[] g, float[] mk, float[] vk, int from, int to,
                        double lr, double stepSize, double bc2Sqrt, boolean coupledDecay) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float ob1 = (float) (1 - beta1);
        float ob2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float ss = (float) stepSize;
        float bc = (float) bc2Sqrt;
        if (coupledDecay) {
            float wd = (float) weightDecay;
            for (int i = from; i < to; i++) {
                float gi = g[i] + wd * w[i];
                float mi = b1 * mk[i] + ob1 * gi;
                float vi = b2 * vk[i] + ob2 * gi * gi;
                mk[i] = mi;
                vk[i] = vi;
                w[i] -= ss * mi / ((float) Math.sqrt(vi) / bc + eps);
            }
        } else {
            float decay = (float) (1 - lr * weightDecay);
            for (int i = from; i < to; i++) {
                float gi = g[i];
                float wi = w[i] * decay;
                float mi = b1 * mk[i] + ob1 * gi;
                float vi = b2 * vk[i] + ob2 * gi * gi;
                mk[i] = mi;
                vk[i] = vi;
                w[i] = wi - ss * mi / ((float) Math.sqrt(vi) / bc + eps);
            }
        }
    }

    /**
     * A dense tensor's update through its memory, in one pass: blocks of weights, moments and
     * gradient are copied side by side, updated by {@link #update} (the same arithmetic as every
     * other kind) and copied back, shared among the threads. The tensor operations of {@link
     * #tensorUpdate} pass over the whole parameter about ten times (one per operation, with
     * temporaries); on a 125M-parameter model that was a fifth of a training step.
     */
    private void fusedTensorUpdate(Parameter p, NDArray[] mv, double lr, double stepSize, double bc2Sqrt) {
        FloatBuffer w = TensorMemory.floats(p.tensor());
        FloatBuffer mk = TensorMemory.floats(mv[0]);
        FloatBuffer vk = TensorMemory.floats(mv[1]);
        NDArray grad = p.tensorGrad();
        FloatBuffer g = grad == null ? null : TensorMemory.floats(grad);
        int first = p.firstRow() * p.cols();
        int n = (int) mv[0].size();
        boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
        int parts = n < 4 * BLOCK_FLOATS ? 1 : threads;
        if (parts > 1 && pool == null) {
            pool = new RowParallel(threads);
        }
        int[] bounds = new int[parts + 1];
        for (int k = 1; k <= parts; k++) {
            // Chunk edges on block multiples keep every block but the last full.
            bounds[k] = k == parts ? n : (int) Math.min(n, (long) n * k / parts / BLOCK_FLOATS * BLOCK_FLOATS);
        }
        RowParallel.Range body = (from, to) -> {
            float[] bw = new float[BLOCK_FLOATS];
            float[] bm = new float[BLOCK_FLOATS];
            float[] bv = new float[BLOCK_FLOATS];
            float[] bg = new float[BLOCK_FLOATS];
            for (int o = from; o < to; o += BLOCK_FLOATS) {
                int len = Math.min(BLOCK_FLOATS, to - o);
                w.get(first + o, bw, 0, len);
                mk.get(o, bm, 0, len);
                vk.get(o, bv, 0, len);
                if (g != null) {
                    g.get(o, bg, 0, len);
                }
                update(bw, bg, bm, bv, 0, len, lr, stepSize, bc2Sqrt, coupled);
                w.put(first + o, bw, 0, len);
                mk.put(o, bm, 0, len);
                vk.put(o, bv, 0, len);
            }
        };
        if (parts == 1) {
            body.run(0, n);
        } else {
            pool.run(bounds, body);
        }
    }

    /**
     * The same update with tensor operations, in place, as PyTorch's {@code torch.optim.AdamW}
     * computes it: the temporaries of one parameter live in a sub-manager closed right after.
     * A parameter training from a row on is updated as a copy of those rows written back.
     */
    private void tensorUpdate(Parameter p, NDArray[] mv, double lr, double stepSize, double bc2Sqrt) {
        try (NDManager tmp = state.newSubManager()) {
            NDArray grad = p.tensorGrad() != null ? p.tensorGrad() : tmp.zeros(p.trainableShape());
            NDIndex rows = p.firstRow() == 0 && p.endRow() == p.tensor().getShape().get(0) ? null : p.trainedRows();
            NDArray param = rows == null ? p.tensor() : owned(p.tensor().get(rows), tmp);
            boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
            if (coupled && weightDecay != 0) {
                grad = owned(grad.add(owned(param.mul((float) weightDecay), tmp)), tmp);
            }
            // g·g rather than square(): the engine's generic pow kernel took several times longer
            // per element, and the optimiser is half of a large model's small-batch step.
            mv[0].muli((float) beta1).addi(owned(grad.mul((float) (1 - beta1)), tmp));
            mv[1].muli((float) beta2).addi(owned(grad.mul(grad), tmp).muli((float) (1 - beta2)));
            NDArray denom = owned(mv[1].sqrt(), tmp).divi((float) bc2Sqrt).addi((float) epsilon);
            NDArray update = owned(mv[0].div(denom), tmp).muli((float) stepSize);
            float decay = (float) (1 - lr * weightDecay);
            if (!coupled && decay != 1f) {
                param.muli(decay);
            }
            param.subi(update);
            if (rows != null) {
                p.tensor().set(rows, param);
            }
        }
    }

    private static NDArray owned(NDArray a, NDManager manager) {
        a.attach(manager);
        return a;
    }

    /** First moment of parameter {@code k} in {@link ParameterSet} order: live for Java arrays, a copy for tensors. */
    float[] firstMoment(int k) {
        return tensorMoments[k] != null ? tensorMoments[k][0].toFloatArray() : m[k];
    }

    /** Second moment of parameter {@code k}: live for Java arrays, a copy for tensors. */
    float[] secondMoment(int k) {
        return tensorMoments[k] != null ? tensorMoments[k][1].toFloatArray() : v[k];
    }

    /** Each parameter's own step count (in {@link ParameterSet} order): live, for checkpoints. */
    long[] parameterSteps() {
        return steps;
    }

    /** Whether parameter {@code k}, a dense tensor, is updated by the fused pass over its memory (for tests). */
    boolean updatesFused(int k) {
        return fused[k];
    }

    /** Whether parameter {@code k}, a row-sparse tensor, is updated in its tensors' memory (for tests). */
    boolean updatesInPlace(int k) {
        return inPlace[k];
    }

    /** The per-row step counts of parameter {@code k} if it is a row-sparse tensor (live), else null. */
    long[] rowSteps(int k) {
        return rowSteps[k];
    }

    /**
     * Restores a checkpoint's state. {@code rowStepCounts} holds, per parameter, the step counts
     * of a row-sparse tensor's rows, or null: a row-sparse tensor without them (a checkpoint from
     * before they were kept, when every row was updated at every step) counts its parameter's steps.
     */
    void restoreState(long stepCount, long[] parameterSteps, List<float[]> first, List<float[]> second,
                      List<long[]> rowStepCounts) {
        System.arraycopy(parameterSteps, 0, steps, 0, steps.length);
        for (int k = 0; k < params.size(); k++) {
            if (rowSteps[k] != null) {
                long[] saved = rowStepCounts == null ? null : rowStepCounts.get(k);
                if (saved == null) {
                    Arrays.fill(rowSteps[k], parameterSteps[k]);
                } else {
                    System.arraycopy(saved, 0, rowSteps[k], 0, rowSteps[k].length);
                }
            }
            if (tensorMoments[k] != null) {
                tensorMoments[k][0].set(first.get(k));
                tensorMoments[k][1].set(second.get(k));
            } else {
                System.arraycopy(first.get(k), 0, m[k], 0, m[k].length);
                System.arraycopy(second.get(k), 0, v[k], 0, v[k].length);
            }
        }
        this.step = stepCount;
    }

    /** Frees the moments of tensor parameters. */
    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
        if (state != null) {
            state.close();
        }
    }
}
