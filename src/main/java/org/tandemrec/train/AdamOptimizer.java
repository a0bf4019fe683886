package org.tandemrec.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) with PyTorch's conventions, in three variants
 * ({@link TrainConfig.OptimizerKind}). For gradient g, step t (1-based), learning rate lr:
 * <pre>
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * </pre>
 * <ul>
 *   <li>ADAM: weight decay wd enters the gradient, g ← g + wd·p (torch.optim.Adam).</li>
 *   <li>ADAMW: decoupled decay before the update, p ← p·(1 − lr·wd) (torch.optim.AdamW).</li>
 *   <li>LAZY_ADAM: on row-sparse tables only the rows touched in this step are updated; their
 *       moments are updated as above, untouched rows keep their values and moments unchanged
 *       (they do not decay), and the bias correction uses the global step t — the semantics of
 *       torch.optim.SparseAdam. Decoupled decay, if any, is applied to touched rows only.
 *       Dense parameters are updated as in ADAMW. The cost of a step is O(touched rows × cols).</li>
 * </ul>
 * Under ADAM and ADAMW a row-sparse table is treated as dense (untouched rows have gradient 0,
 * their moments still decay), which matches PyTorch on a dense embedding but costs the whole table.
 */
public final class AdamOptimizer {
    private final TrainConfig.OptimizerKind kind;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<Parameter> params;
    private final List<float[]> m = new ArrayList<>();
    private final List<float[]> v = new ArrayList<>();
    private long step;

    public AdamOptimizer(ParameterSet parameters, TrainConfig config) {
        this(parameters, config.optimizer(), config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
    }

    public AdamOptimizer(ParameterSet parameters, TrainConfig.OptimizerKind kind, double beta1, double beta2,
                         double epsilon, double weightDecay) {
        this.kind = kind;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.params = parameters.list();
        for (Parameter p : params) {
            m.add(new float[p.value().length]);
            v.add(new float[p.value().length]);
        }
    }

    /** Steps taken so far. */
    public long stepCount() {
        return step;
    }

    /** Applies one update with learning rate {@code lr} from the current gradients. */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = lr / bc1;
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            float[] mk = m.get(k);
            float[] vk = v.get(k);
            if (p.rowSparse() && kind == TrainConfig.OptimizerKind.LAZY_ADAM) {
                lazyRows(p, mk, vk, lr, stepSize, bc2Sqrt);
            } else if (p.rowSparse()) {
                denseOverTable(p, mk, vk, lr, stepSize, bc2Sqrt);
            } else {
                update(p.value(), p.grad(), 0, mk, vk, 0, p.value().length, lr, stepSize, bc2Sqrt,
                        kind == TrainConfig.OptimizerKind.ADAM);
            }
        }
    }

    private void lazyRows(Parameter p, float[] mk, float[] vk, double lr, double stepSize, double bc2Sqrt) {
        int cols = p.cols();
        float[] g = p.slotGrad();
        for (int s = 0, n = p.touchedCount(); s < n; s++) {
            int row = p.touchedRow(s);
            update(p.value(), g, s * cols, mk, vk, row * cols, cols, lr, stepSize, bc2Sqrt, false);
        }
    }

    private void denseOverTable(Parameter p, float[] mk, float[] vk, double lr, double stepSize, double bc2Sqrt) {
        // Dense reference semantics: every row is updated, untouched rows with a zero gradient.
        int cols = p.cols();
        float[] zeros = new float[cols];
        boolean coupled = kind == TrainConfig.OptimizerKind.ADAM;
        for (int row = 0; row < p.rows(); row++) {
            int slot = p.slotOf(row);
            float[] g = slot < 0 ? zeros : p.slotGrad();
            update(p.value(), g, slot < 0 ? 0 : slot * cols, mk, vk, row * cols, cols, lr, stepSize, bc2Sqrt, coupled);
        }
    }

    private void update(float[] w, float[] g, int gOff, float[] mk, float[] vk, int off, int len,
                        double lr, double stepSize, double bc2Sqrt, boolean coupledDecay) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float ob1 = (float) (1 - beta1);
        float ob2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float wd = (float) weightDecay;
        float decay = (float) (1 - lr * weightDecay);
        float ss = (float) stepSize;
        float bc = (float) bc2Sqrt;
        for (int j = 0; j < len; j++) {
            int i = off + j;
            float gi = g[gOff + j];
            if (coupledDecay) {
                gi += wd * w[i];
            } else {
                w[i] *= decay;
            }
            float mi = b1 * mk[i] + ob1 * gi;
            float vi = b2 * vk[i] + ob2 * gi * gi;
            mk[i] = mi;
            vk[i] = vi;
            w[i] -= ss * mi / ((float) Math.sqrt(vi) / bc + eps);
        }
    }

    /** First moments, one array per parameter in {@link ParameterSet} order (live, for checkpoints). */
    List<float[]> firstMoments() {
        return m;
    }

    /** Second moments, one array per parameter (live, for checkpoints). */
    List<float[]> secondMoments() {
        return v;
    }

    void restoreState(long stepCount, List<float[]> first, List<float[]> second) {
        for (int k = 0; k < params.size(); k++) {
            System.arraycopy(first.get(k), 0, m.get(k), 0, m.get(k).length);
            System.arraycopy(second.get(k), 0, v.get(k), 0, v.get(k).length);
        }
        this.step = stepCount;
    }
}
