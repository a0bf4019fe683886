package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tandemrec.train.TensorConstants;

/**
 * Grouped-query causal self-attention (GQA, Ainslie et al. 2023) with rotary position embeddings
 * (RoPE, Su et al. 2021), as transformers' {@code LlamaAttention}: q, k, v projections,
 * rotation of q and k by position, softmax(q kᵀ / √D + mask) v over the cached and new
 * positions, output projection. With a {@link KvCache} the rotated keys and the values of the new
 * tokens are appended to the cache and attention runs over all of them. Shapes: B batch, T new
 * tokens, S attended positions (cache + new), H hidden, N query heads, K key/value heads, D head
 * dimension.
 */
final class Attention {
    /** Additive mask value of transformers (torch.finfo(float32).min): finite, so fully masked rows stay finite. */
    private static final float MASKED = -3.4028234663852886e38f;

    private final LlamaConfig c;
    private final float[] invFreq;
    private final Projections projections;

    Attention(LlamaConfig c, Projections projections) {
        this.c = c;
        this.projections = projections;
        this.invFreq = c.rope().inverseFrequencies(c.headDim());
    }

    /** cos and sin of position × inverse frequency, duplicated over both halves: [B, 1, T, D]. */
    NDArray[] rope(NDManager m, NDArray pos) {
        NDArray inv = m.create(invFreq, new Shape(1, 1, invFreq.length));
        NDArray freqs = pos.expandDims(2).mul(inv);
        NDArray emb = freqs.concat(freqs, 2).expandDims(1);
        return new NDArray[] {emb.cos(), emb.sin()};
    }

    /**
     * The additive mask [B, 1, T, S] of {@code t} new tokens after {@code past} cached ones: 0
     * where a query may attend (causal, within the sliding window when the model has one, and
     * not padding by {@code keyMask} [B, S]), else {@link #MASKED}. The window W is that of
     * transformers' Mistral: the query in slot i sees the keys in slots i − W + 1 … i (W of them,
     * itself included).
     */
    NDArray additiveMask(NDManager m, NDArray keyMask, int t, long past) {
        long s = keyMask.getShape().get(1);
        NDArray q = m.arange((int) past, (int) (past + t)).reshape(t, 1);
        NDArray k = m.arange(0, (int) s).reshape(1, s);
        NDArray visible = k.lte(q);
        if (c.slidingWindow() > 0) {
            visible = visible.logicalAnd(k.gt(q.sub(c.slidingWindow())));
        }
        NDArray causal = visible.expandDims(0);
        NDArray allowed = causal.logicalAnd(keyMask.gt(0).expandDims(1));
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED).expandDims(1);
    }

    /**
     * Attention of layer {@code l} (tensor names under {@code p}) on the normed input {@code h}
     * [B, T, H]: [B, T, H]. {@code cosSin} from {@link #rope}, {@code mask} from
     * {@link #additiveMask}; {@code inPlace} lets element-wise results overwrite fresh
     * intermediates (only when no gradient is recorded).
     */
    NDArray forward(NDManager m, int l, String p, NDArray h, NDArray[] cosSin, NDArray mask, KvCache cache,
                    boolean inPlace) {
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        int n = c.numHeads();
        int kh = c.numKvHeads();
        int d = c.headDim();
        // One matmul against [q; k; v]; heads are split on the head axis, and q and k are
        // rotated together (the rotation is per head, with the same angles for every head).
        NDArray heads = projections.fused(m, h, p, "q_proj", "k_proj", "v_proj").reshape(b, t, n + 2L * kh, d)
                .transpose(0, 2, 1, 3);
        NDList qkV = heads.split(new long[] {n + kh}, 1);
        NDArray qk = qkV.get(0);
        NDArray v = projections.headDelta(qkV.get(1), h, p + "v_proj", kh);
        NDArray dq = projections.headDelta(null, h, p + "q_proj", n);
        NDArray dk = projections.headDelta(null, h, p + "k_proj", kh);
        if (dq != null || dk != null) {
            NDList split = qk.split(new long[] {n}, 1);
            qk = (dq == null ? split.get(0) : split.get(0).add(dq)).concat(dk == null ? split.get(1) : split.get(1).add(dk), 1);
        }
        NDList qkRot = rotate(qk, cosSin, inPlace).split(new long[] {n}, 1);
        NDArray q = qkRot.get(0);
        NDArray k = qkRot.get(1);
        if (cache != null) {
            if (cache.keys(l) != null) {
                k = cache.keys(l).concat(k, 2);
                v = cache.values(l).concat(v, 2);
            }
            cache.set(l, k, v);
        }
        long s = k.getShape().get(2);
        int g = n / kh;
        // Query heads kh*g .. kh*g+g-1 share key head kh: fold them into the row axis instead of repeating K and V.
        // The 1/√D scale goes on q, which is smaller than the scores when S > D.
        NDArray qg = q.mul(TensorConstants.scalar(m, 1f / (float) Math.sqrt(d))).reshape(b, kh, g * t, d);
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).reshape(b, n, t, s);
        NDArray probs = (inPlace ? scores.addi(mask) : scores.add(mask)).softmax(-1).reshape(b, kh, g * t, s);
        NDArray o = probs.matMul(v).reshape(b, n, t, d).transpose(0, 2, 1, 3).reshape(b, t, (long) n * d);
        return projections.proj(o, p + "o_proj");
    }

    private static NDArray rotate(NDArray x, NDArray[] cosSin, boolean inPlace) {
        // split, not two slices: its gradient is one concatenation instead of two zero-filled copies.
        NDList halves = x.split(2, 3);
        NDArray x1 = halves.get(0);
        NDArray x2 = halves.get(1);
        NDArray rotated = x2.neg().concat(x1, 3);
        if (inPlace) {
            return x.mul(cosSin[0]).addi(rotated.muli(cosSin[1]));
        }
        return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
    }
}
