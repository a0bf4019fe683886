package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.llm.lora.LoraAdapter;

/**
 * A Llama / Mistral / Qwen2 decoder-only transformer (pre-norm blocks of RMSNorm →
 * grouped-query causal self-attention with rotary positions → residual → RMSNorm → SiLU-gated
 * MLP → residual), as in transformers' {@code LlamaForCausalLM}. Works on whole batches with
 * explicit position ids and a padding mask, so left-padded rows score as if unpadded.
 * Shapes: B batch, T new tokens, S attended positions (cache + new), H hidden, N query heads,
 * K key/value heads, D head dimension, V vocabulary. Thread-safe: all per-call state lives in
 * the call's sub-manager or in the caller's {@link KvCache}.
 */
public final class Decoder {
    /** Additive mask value of transformers (torch.finfo(float32).min): finite, so fully masked rows stay finite. */
    private static final float MASKED = -3.4028234663852886e38f;
    /**
     * Below this many input rows (B·T) projections sharing an input run as separate matmuls:
     * stacking their weights copies O(out·H) floats, which only pays off against O(rows·out·H).
     */
    private static final long FUSE_MIN_ROWS = 64;

    private final DecoderWeights weights;
    private final LoraAdapter lora;
    private final LlamaConfig c;
    private final float[] invFreq;
    private final boolean training;

    /** A decoder over {@code weights}, with an optional LoRA adapter ({@code null} for none). */
    public Decoder(DecoderWeights weights, LoraAdapter lora) {
        this(weights, lora, false);
    }

    /**
     * With {@code training}, the adapter's {@code lora_dropout} is applied to each adapted
     * projection's input (inverted dropout from the engine's random stream, as PEFT does in
     * train mode); without it the decoder is deterministic.
     */
    public Decoder(DecoderWeights weights, LoraAdapter lora, boolean training) {
        this.weights = weights;
        this.lora = lora;
        this.training = training;
        this.c = weights.config();
        this.invFreq = c.rope().inverseFrequencies(c.headDim());
    }

    public LlamaConfig config() {
        return c;
    }

    public DecoderWeights weights() {
        return weights;
    }

    /**
     * One pass over a batch. {@code ids}, {@code attentionMask} (1 real, 0 padding) and {@code
     * positions} are [B][T]; with a cache they describe only the new tokens and the cache is
     * extended. Results are attached to {@code out}; every intermediate is freed on return.
     */
    public DecoderOutput forward(NDManager out, int[][] ids, int[][] attentionMask, int[][] positions,
                                 KvCache cache, boolean withHidden) {
        return forward(out, ids, attentionMask, positions, cache, withHidden, false);
    }

    /**
     * As {@link #forward(NDManager, int[][], int[][], int[][], KvCache, boolean)} but the LM head
     * runs on the last position only: logits [B, 1, V]. Scoring and generation need nothing
     * else, and the head is a large share of a small model's flops (V·H per position).
     */
    public DecoderOutput forwardLastPosition(NDManager out, int[][] ids, int[][] attentionMask, int[][] positions,
                                             KvCache cache) {
        return forward(out, ids, attentionMask, positions, cache, false, true);
    }

    private DecoderOutput forward(NDManager out, int[][] ids, int[][] attentionMask, int[][] positions,
                                  KvCache cache, boolean withHidden, boolean lastOnly) {
        if (ids.length == 0 || ids[0].length == 0) {
            throw new IllegalArgumentException("input_ids must have at least one row and one column");
        }
        int b = ids.length;
        int t = ids[0].length;
        checkBatch("attention_mask", attentionMask, b, t);
        checkBatch("position_ids", positions, b, t);
        for (int[] row : ids) {
            for (int id : row) {
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + c.vocabSize());
                }
            }
        }
        // Without gradient recording, element-wise results can overwrite fresh intermediates in
        // place: the small model's forward is bound by memory traffic outside its matmuls.
        boolean inPlace = !JniUtils.isGradMode();
        try (NDManager m = out.newSubManager()) {
            NDArray idArr = m.create(flatten(ids, b, t), new Shape(b, t)).toType(DataType.INT64, false);
            NDArray maskNew = m.create(flatten(attentionMask, b, t), new Shape(b, t));
            NDArray pos = m.create(flatten(positions, b, t), new Shape(b, t)).toType(DataType.FLOAT32, false);
            NDArray x = embed(m, idArr);
            NDArray[] cosSin = rope(m, pos);
            long past = cache == null ? 0 : cache.length();
            NDArray keyMask = cache == null || cache.mask() == null ? maskNew : cache.mask().concat(maskNew, 1);
            NDArray additive = additiveMask(m, keyMask, t, past);
            if (cache != null) {
                cache.setMask(keyMask);
            }
            List<NDArray> hidden = new ArrayList<>();
            if (withHidden) {
                hidden.add(x);
            }
            for (int l = 0; l < c.numLayers(); l++) {
                x = block(m, l, x, cosSin, additive, cache, inPlace);
                if (withHidden && l < c.numLayers() - 1) {
                    hidden.add(x);
                }
            }
            NDArray normed = rmsNorm(x, weights.get("model.norm.weight"), inPlace);
            NDArray headIn = lastOnly ? normed.get(new NDIndex(":, -1:, :")) : normed;
            NDArray logits = Linear.linear(headIn, weights.lmHead()).singletonOrThrow();
            logits.attach(out);
            List<NDArray> hs = new ArrayList<>();
            if (withHidden) {
                hidden.add(normed);
                for (NDArray h : hidden) {
                    h.attach(out);
                    hs.add(h);
                }
            }
            return new DecoderOutput(logits, List.copyOf(hs));
        }
    }

    /** Convenience: one unpadded sequence, positions 0..T-1, no cache. */
    public DecoderOutput forward(NDManager out, int[] ids, boolean withHidden) {
        int[][] mask = {filled(ids.length, 1)};
        int[][] pos = {range(ids.length, 0)};
        return forward(out, new int[][] {ids}, mask, pos, null, withHidden);
    }

    private NDArray embed(NDManager m, NDArray ids) {
        NDArray table = weights.get("model.embed_tokens.weight");
        NDList r = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE);
        NDArray x = r.singletonOrThrow();
        x.attach(m);
        return x;
    }

    /** cos and sin of position × inverse frequency, duplicated over both halves: [B, 1, T, D]. */
    private NDArray[] rope(NDManager m, NDArray pos) {
        NDArray inv = m.create(invFreq, new Shape(1, 1, invFreq.length));
        NDArray freqs = pos.expandDims(2).mul(inv);
        NDArray emb = freqs.concat(freqs, 2).expandDims(1);
        return new NDArray[] {emb.cos(), emb.sin()};
    }

    private NDArray additiveMask(NDManager m, NDArray keyMask, int t, long past) {
        long s = keyMask.getShape().get(1);
        NDArray q = m.arange((int) past, (int) (past + t)).reshape(t, 1);
        NDArray k = m.arange(0, (int) s).reshape(1, s);
        NDArray causal = k.lte(q).expandDims(0);
        NDArray allowed = causal.logicalAnd(keyMask.gt(0).expandDims(1));
        return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(-MASKED).expandDims(1);
    }

    private NDArray block(NDManager m, int l, NDArray x, NDArray[] cosSin, NDArray mask, KvCache cache, boolean inPlace) {
        String p = "model.layers." + l + ".";
        NDArray h = rmsNorm(x, weights.get(p + "input_layernorm.weight"), inPlace);
        NDArray attn = attention(m, l, p + "self_attn.", h, cosSin, mask, cache, inPlace);
        // x itself may be kept as a hidden state, so the sum goes into the fresh attention output.
        x = inPlace ? attn.addi(x) : x.add(attn);
        h = rmsNorm(x, weights.get(p + "post_attention_layernorm.weight"), inPlace);
        // gate and up read the same input: one matmul against [gate; up] instead of two.
        NDList gateUp = fused(m, h, p + "mlp.", "gate_proj", "up_proj").split(2, 2);
        NDArray gate = withLora(gateUp.get(0), h, p + "mlp.gate_proj");
        NDArray up = withLora(gateUp.get(1), h, p + "mlp.up_proj");
        if (inPlace) {
            NDArray act = Activation.sigmoid(gate).muli(gate).muli(up);
            return proj(act, p + "mlp.down_proj").addi(x);
        }
        return x.add(proj(gate.mul(Activation.sigmoid(gate)).mul(up), p + "mlp.down_proj"));
    }

    private NDArray attention(NDManager m, int l, String p, NDArray h, NDArray[] cosSin, NDArray mask, KvCache cache,
                              boolean inPlace) {
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        int n = c.numHeads();
        int kh = c.numKvHeads();
        int d = c.headDim();
        // One matmul against [q; k; v]; heads are split on the head axis, and q and k are
        // rotated together (the rotation is per head, with the same angles for every head).
        NDArray heads = fused(m, h, p, "q_proj", "k_proj", "v_proj").reshape(b, t, n + 2L * kh, d).transpose(0, 2, 1, 3);
        NDList qkV = heads.split(new long[] {n + kh}, 1);
        NDArray qk = qkV.get(0);
        NDArray v = headDelta(qkV.get(1), h, p + "v_proj", kh);
        NDArray dq = headDelta(null, h, p + "q_proj", n);
        NDArray dk = headDelta(null, h, p + "k_proj", kh);
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
        NDArray qg = q.mul(1f / (float) Math.sqrt(d)).reshape(b, kh, g * t, d);
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).reshape(b, n, t, s);
        NDArray probs = (inPlace ? scores.addi(mask) : scores.add(mask)).softmax(-1).reshape(b, kh, g * t, s);
        NDArray o = probs.matMul(v).reshape(b, n, t, d).transpose(0, 2, 1, 3).reshape(b, t, (long) n * d);
        return proj(o, p + "o_proj");
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

    /**
     * Several projections of the same input as one matmul against their weights stacked by
     * rows: [B, T, Σ out]. The stacked weight is built each call from the named tensors, which
     * stay the source of truth: gradients flow back through the concatenation to each part and
     * in-place updates are seen at once; the copy is O(out·H) against the matmul's O(B·T·out·H).
     * LoRA deltas are not included. The stacked copies are attached to {@code m}.
     */
    private NDArray fused(NDManager m, NDArray x, String prefix, String... modules) {
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
    private NDArray withLora(NDArray y, NDArray x, String module) {
        NDArray delta = loraDelta(x, module);
        return delta == null ? y : y.add(delta);
    }

    /**
     * The LoRA delta of {@code module} split into {@code heads} heads, [B, heads, T, D], added to
     * {@code y} when given; null when there is no delta and no {@code y}.
     */
    private NDArray headDelta(NDArray y, NDArray x, String module, int heads) {
        NDArray delta = loraDelta(x, module);
        if (delta == null) {
            return y;
        }
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray split = delta.reshape(b, t, heads, c.headDim()).transpose(0, 2, 1, 3);
        return y == null ? split : y.add(split);
    }

    /** y = x Wᵀ (+ b) (+ scale · (x Aᵀ) Bᵀ when the adapter targets this projection). */
    private NDArray proj(NDArray x, String module) {
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
            in = x.mul(keep).div(1 - p);
        }
        NDArray low = Linear.linear(in, pair.a()).singletonOrThrow();
        return Linear.linear(low, pair.b()).singletonOrThrow().mul(lora.scale());
    }

    private NDArray rmsNorm(NDArray x, NDArray weight, boolean inPlace) {
        // sum then scale, not mean: the gradient of a sum is a broadcast view, that of a mean a
        // full-size division.
        long h = x.getShape().get(x.getShape().dimension() - 1);
        NDArray var = x.square().sum(new int[] {-1}, true).mul(1f / h);
        NDArray scaled = x.mul(var.add((float) c.rmsNormEps()).sqrt().pow(-1f));
        return inPlace ? scaled.muli(weight) : scaled.mul(weight);
    }

    /**
     * Mean next-token cross-entropy with Hugging Face's shift by one: position t predicts
     * labels[t+1]; labels of -100 are ignored. {@code logits} [B, T, V], labels [B][T].
     * The result (a scalar) is attached to {@code out}; differentiable.
     */
    public static NDArray causalLmLoss(NDManager out, NDArray logits, int[][] labels) {
        int b = labels.length;
        int t = labels[0].length;
        long v = logits.getShape().get(2);
        // Targets are laid out over all T positions (the last has none, weight 0) so that the
        // log-softmax runs on the contiguous logits: slicing off the last position first costs a
        // copy forward and a zero-filled [B, T, V] gradient backward, more than the extra row.
        int[] target = new int[b * t];
        float[] valid = new float[b * t];
        int count = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 1; j < t; j++) {
                int lab = labels[i][j];
                boolean ok = lab != -100;
                if (ok && (lab < 0 || lab >= v)) {
                    throw new IllegalArgumentException("label " + lab + " at [" + i + "][" + j + "] outside the vocabulary of " + v);
                }
                target[i * t + j - 1] = ok ? lab : 0;
                valid[i * t + j - 1] = ok ? 1f : 0f;
                count += ok ? 1 : 0;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no label other than -100 after the first position");
        }
        NDManager m = logits.getManager();
        NDArray logp = logits.logSoftmax(-1);
        NDArray idx = m.create(target, new Shape(b, t, 1)).toType(DataType.INT64, false);
        NDArray picked = logp.gather(idx, 2).reshape(b, t);
        NDArray mask = m.create(valid, new Shape(b, t));
        NDArray loss = picked.mul(mask).sum().neg().div((float) count);
        loss.attach(out);
        return loss;
    }

    private static void checkBatch(String field, int[][] a, int b, int t) {
        if (a.length != b) {
            throw new IllegalArgumentException(field + " has " + a.length + " rows, input_ids has " + b);
        }
        for (int[] row : a) {
            if (row.length != t) {
                throw new IllegalArgumentException(field + " row has " + row.length + " columns, input_ids has " + t);
            }
        }
    }

    static int[] flatten(int[][] a, int b, int t) {
        int[] f = new int[b * t];
        for (int i = 0; i < b; i++) {
            if (a[i].length != t) {
                throw new IllegalArgumentException("ragged batch: row " + i + " has " + a[i].length + " tokens, row 0 has " + t);
            }
            System.arraycopy(a[i], 0, f, i * t, t);
        }
        return f;
    }

    public static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    public static int[] range(int n, int from) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = from + i;
        }
        return a;
    }
}
