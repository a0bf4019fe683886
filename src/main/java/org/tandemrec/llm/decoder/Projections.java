package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.train.TensorConstants;

/**
 * The linear projections of a decoder's blocks, y = x Wᵀ (+ b), read from the checkpoint's named
 * tensors, each with the LoRA delta scale · (dropout(x) Aᵀ) Bᵀ when the adapter targets it
 * (LoRA, Hu et al. 2021). Inputs are [B, T, in]; outputs [B, T, out]. Holds no per-call state.
 */
final class Projections {
    /**
     * Below this many input rows (B·T) projections sharing an input run as separate matmuls:
     * stacking their weights copies O(out·H) floats, which only pays off against O(rows·out·H).
     */
    private static final long FUSE_MIN_ROWS = 64;

    private final DecoderWeights weights;
    private final LoraAdapter lora;
    private final boolean training;
    private final int headDim;

    /** With {@code training}, the adapter's dropout applies to its input (see {@link Decoder}). */
    Projections(DecoderWeights weights, LoraAdapter lora, boolean training) {
        this.weights = weights;
        this.lora = lora;
        this.training = training;
        this.headDim = weights.config().headDim();
    }

    /**
     * Several projections of the same input as one matmul against their weights stacked by
     * rows: [B, T, Σ out]. The stacked weight is built each call from the named tensors, which
     * stay the source of truth: gradients flow back through the concatenation to each part and
     * in-place updates are seen at once; the copy is O(out·H) against the matmul's O(B·T·out·H).
     * LoRA deltas are not included. The stacked copies are attached to {@code m}.
     */
    NDArray fused(NDManager m, NDArray x, String prefix, String... modules) {
        NDList ws = new NDList(modules.length);
        NDList bs = new NDList(modules.length);
        for (String mod : modules) {
            ws.add(weights.get(prefix + mod + ".weight"));
            NDArray bias = weights.tensors().get(prefix + mod + ".bias");
            if (bias != null) {
                bs.add(bias);
            }
        }
        if (!bs.isEmpty() && bs.size() != modules.length) {
            throw new IllegalStateException("biases on only some of " + prefix + String.join("/", modules));
        }
        long rows = x.size() / x.getShape().get(x.getShape().dimension() - 1);
        if (rows < FUSE_MIN_ROWS) {
            // Decoding a token or two: copying the weights would cost more than the matmuls it merges.
            NDList parts = new NDList(modules.length);
            for (int i = 0; i < modules.length; i++) {
                parts.add(bs.isEmpty() ? Linear.linear(x, ws.get(i)).singletonOrThrow()
                        : Linear.linear(x, ws.get(i), bs.get(i)).singletonOrThrow());
            }
            return NDArrays.concat(parts, -1);
        }
        // The stacked copies belong to this call, not to the weights' manager.
        NDArray w = NDArrays.concat(ws, 0);
        w.attach(m);
        if (bs.isEmpty()) {
            return Linear.linear(x, w).singletonOrThrow();
        }
        NDArray bias = NDArrays.concat(bs, 0);
        bias.attach(m);
        return Linear.linear(x, w, bias).singletonOrThrow();
    }

    /** {@code y} plus the LoRA delta of {@code module} on input {@code x}, if the adapter has one. */
    NDArray withLora(NDArray y, NDArray x, String module) {
        NDArray delta = loraDelta(x, module);
        return delta == null ? y : y.add(delta);
    }

    /**
     * The LoRA delta of {@code module} split into {@code heads} heads, [B, heads, T, D], added to
     * {@code y} when given; null when there is no delta and no {@code y}.
     */
    NDArray headDelta(NDArray y, NDArray x, String module, int heads) {
        NDArray delta = loraDelta(x, module);
        if (delta == null) {
            return y;
        }
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray split = delta.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
        return y == null ? split : y.add(split);
    }

    /** y = x Wᵀ (+ b) (+ scale · (x Aᵀ) Bᵀ when the adapter targets this projection). */
    NDArray proj(NDArray x, String module) {
        NDArray w = weights.get(module + ".weight");
        NDArray bias = weights.tensors().get(module + ".bias");
        NDArray y = bias == null ? Linear.linear(x, w).singletonOrThrow() : Linear.linear(x, w, bias).singletonOrThrow();
        NDArray delta = loraDelta(x, module);
        return delta == null ? y : y.add(delta);
    }

    /** scale · (dropout(x) Aᵀ) Bᵀ, or null when there is no adapter on {@code module}. */
    private NDArray loraDelta(NDArray x, String module) {
        if (lora == null) {
            return null;
        }
        LoraAdapter.Pair pair = lora.pairs().get(module + ".weight");
        if (pair == null) {
            return null;
        }
        NDArray in = x;
        float p = (float) lora.config().dropout();
        if (training && p > 0) {
            NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte(p).toType(DataType.FLOAT32, false);
            in = x.mul(keep).div(TensorConstants.scalar(x.getManager(), 1 - p));
        }
        NDArray low = Linear.linear(in, pair.a()).singletonOrThrow();
        return Linear.linear(low, pair.b()).singletonOrThrow().mul(TensorConstants.scalar(low.getManager(), lora.scale()));
    }
}
