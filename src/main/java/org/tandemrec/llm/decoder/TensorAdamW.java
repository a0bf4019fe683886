package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link AdamW}'s arithmetic (PyTorch's {@code torch.optim.AdamW}) on native tensors, updating
 * parameters in place, with the rate given per step so a schedule can drive it. The moment
 * tensors live in this object's manager: close it after training.
 */
public final class TensorAdamW implements AutoCloseable {
    private final AdamW.Settings s;
    private final NDManager state;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    public TensorAdamW(AdamW.Settings settings, NDManager parent) {
        this.s = settings;
        this.state = parent.newSubManager();
    }

    public AdamW.Settings settings() {
        return s;
    }

    /** Updates {@code param} in place from {@code grad} (same shape) with rate {@code lr}. */
    public void step(String name, NDArray param, NDArray grad, float lr) {
        if (!param.getShape().equals(grad.getShape())) {
            throw new IllegalArgumentException(name + ": parameter shape " + param.getShape() + " but gradient shape " + grad.getShape());
        }
        NDArray[] mv = moments.computeIfAbsent(name, k -> new NDArray[] {state.zeros(param.getShape()), state.zeros(param.getShape())});
        int t = steps.merge(name, 1, Integer::sum);
        double bc1 = 1 - Math.pow(s.beta1(), t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(s.beta2(), t));
        try (NDManager tmp = state.newSubManager()) {
            // g·g rather than square(): the engine's generic pow kernel took several times longer
            // per element, and the optimiser is half of a large model's small-batch step.
            mv[0].muli(s.beta1()).addi(owned(grad.mul(1 - s.beta1()), tmp));
            mv[1].muli(s.beta2()).addi(owned(grad.mul(grad), tmp).muli(1 - s.beta2()));
            NDArray denom = owned(mv[1].sqrt(), tmp).divi((float) bc2Sqrt).addi(s.eps());
            NDArray update = owned(mv[0].div(denom), tmp).muli((float) (lr / bc1));
            param.muli(1 - lr * s.weightDecay());
            param.subi(update);
        }
    }

    private static NDArray owned(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    @Override
    public void close() {
        state.close();
    }
}
