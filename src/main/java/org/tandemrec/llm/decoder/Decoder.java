package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.train.TensorConstants;

/**
 * A Llama / Mistral / Qwen2 decoder-only transformer (pre-norm blocks of RMSNorm →
 * grouped-query causal self-attention with rotary positions → residual → RMSNorm → SiLU-gated
 * MLP → residual), as in transformers' {@code LlamaForCausalLM}. This class is the model loop
 * (embedding, blocks, final norm, LM head) and the loss (for training with the head at the loss
 * positions only, {@link #causalLmLoss(NDManager, TrainBatch)}); a block's parts are {@link Attention}
 * (with RoPE and the KV-cache path) and {@link GatedMlp}, both over {@link Projections} (the
 * linear layers with their LoRA deltas). Works on whole batches with explicit position ids and a
 * padding mask, so left-padded rows ({@link PaddedBatch}) score as if unpadded.
 * Shapes: B batch, T new tokens, S attended positions (cache + new), H hidden, N query heads,
 * K key/value heads, D head dimension, V vocabulary. Thread-safe: all per-call state lives in
 * the call's sub-manager or in the caller's {@link KvCache}.
 */
public final class Decoder {
    private final DecoderWeights weights;
    private final LlamaConfig c;
    private final Attention attention;
    private final GatedMlp mlp;

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
        this.c = weights.config();
        Projections projections = new Projections(weights, lora, training);
        this.attention = new Attention(c, projections);
        this.mlp = new GatedMlp(projections);
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

    /**
     * As {@link #forwardLastPosition} with the hidden states too (each [B, T, H]; the last is the
     * final-normed top layer, the feature a downstream model reads).
     */
    public DecoderOutput forwardLastPositionWithHidden(NDManager out, int[][] ids, int[][] attentionMask,
                                                       int[][] positions, KvCache cache) {
        return forward(out, ids, attentionMask, positions, cache, true, true);
    }

    private DecoderOutput forward(NDManager out, int[][] ids, int[][] attentionMask, int[][] positions,
                                  KvCache cache, boolean withHidden, boolean lastOnly) {
        checkInputs(ids, attentionMask, positions);
        int b = ids.length;
        int t = ids[0].length;
        // Without gradient recording, element-wise results can overwrite fresh intermediates in
        // place: the small model's forward is bound by memory traffic outside its matmuls.
        boolean inPlace = !JniUtils.isGradMode();
        try (NDManager m = out.newSubManager()) {
            NDArray x = embed(m, m.create(flatten(ids, b, t), new Shape(b, t)).toType(DataType.INT64, false));
            List<NDArray> hidden = withHidden ? new ArrayList<>() : null;
            NDArray normed = trunk(m, x, attentionMask, positions, cache, hidden, inPlace);
            NDArray headIn = lastOnly ? normed.get(new NDIndex(":, -1:, :")) : normed;
            NDArray logits = Linear.linear(headIn, weights.lmHead()).singletonOrThrow();
            logits.attach(out);
            List<NDArray> hs = new ArrayList<>();
            if (withHidden) {
                for (NDArray h : hidden) {
                    h.attach(out);
                    hs.add(h);
                }
            }
            return new DecoderOutput(logits, List.copyOf(hs));
        }
    }

    /**
     * The blocks and the final norm over the embedded input {@code x} [B, T, H]: the final-normed
     * top layer [B, T, H]. {@code hidden}, when given, receives the embeddings, the output of
     * blocks 0..L-2 and that result.
     */
    private NDArray trunk(NDManager m, NDArray x, int[][] attentionMask, int[][] positions, KvCache cache,
                          List<NDArray> hidden, boolean inPlace) {
        int b = attentionMask.length;
        int t = attentionMask[0].length;
        NDArray maskNew = m.create(flatten(attentionMask, b, t), new Shape(b, t));
        NDArray pos = m.create(flatten(positions, b, t), new Shape(b, t)).toType(DataType.FLOAT32, false);
        NDArray[] cosSin = attention.rope(m, pos);
        long past = cache == null ? 0 : cache.length();
        NDArray keyMask = cache == null || cache.mask() == null ? maskNew : cache.mask().concat(maskNew, 1);
        NDArray additive = attention.additiveMask(m, keyMask, t, past);
        if (cache != null) {
            cache.setMask(keyMask);
        }
        if (hidden != null) {
            hidden.add(x);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            x = block(m, l, x, cosSin, additive, cache, inPlace);
            if (hidden != null && l < c.numLayers() - 1) {
                hidden.add(x);
            }
        }
        NDArray normed = rmsNorm(x, weights.get("model.norm.weight"), inPlace);
        if (hidden != null) {
            hidden.add(normed);
        }
        return normed;
    }

    private void checkInputs(int[][] ids, int[][] attentionMask, int[][] positions) {
        if (ids.length == 0 || ids[0].length == 0) {
            throw new IllegalArgumentException("input_ids must have at least one row and one column");
        }
        checkBatch("attention_mask", attentionMask, ids.length, ids[0].length);
        checkBatch("position_ids", positions, ids.length, ids[0].length);
        for (int[] row : ids) {
            for (int id : row) {
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + c.vocabSize());
                }
            }
        }
    }

    /**
     * Mean next-token cross-entropy of a training batch (Hugging Face's shift by one, labels of
     * −100 ignored), with the LM head run only at the loss positions — the final hidden states
     * gathered where the next label counts, so the logits are [N, V] with N the loss tokens, not
     * [B, T, V]. Equal to {@link #causalLmLoss(NDManager, NDArray, int[][])} of the full {@link
     * #forward}'s logits up to rounding; for an SFT batch, whose answers are a token or two per
     * row, the head's cost falls by the ratio of the prompt to the answer. The result (a
     * scalar) is attached to {@code out}; differentiable.
     */
    public NDArray causalLmLoss(NDManager out, TrainBatch batch) {
        return causalLmLoss(out, batch, null, null);
    }

    /**
     * As {@link #causalLmLoss(NDManager, TrainBatch)}, with the embedding read through {@code
     * embedRows} and the LM head through {@code headRows} (each null: the weight itself; the same
     * object when the head is tied), so that autograd sees their trained rows as small leaves.
     */
    NDArray causalLmLoss(NDManager out, TrainBatch batch, VocabularyRows embedRows, VocabularyRows headRows) {
        return causalLmLoss(out, batch, embedRows, headRows, headChunkRows(c.vocabSize()));
    }

    /** As above, a frozen head's logits computed {@code chunkRows} rows at a time. */
    NDArray causalLmLoss(NDManager out, TrainBatch batch, VocabularyRows embedRows, VocabularyRows headRows, int chunkRows) {
        int[][] ids = batch.ids();
        checkInputs(ids, batch.mask(), batch.positions());
        int b = ids.length;
        int t = ids[0].length;
        LossPositions at = LossPositions.of(batch.labels(), t, c.vocabSize());
        boolean inPlace = !JniUtils.isGradMode();
        try (NDManager m = out.newSubManager()) {
            NDArray x = embedRows == null
                    ? embed(m, m.create(flatten(ids, b, t), new Shape(b, t)).toType(DataType.INT64, false))
                    : embedRows.embed(m, ids);
            NDArray normed = trunk(m, x, batch.mask(), batch.positions(), null, null, inPlace);
            NDArray flat = normed.reshape(b * (long) t, c.hiddenSize());
            NDArray index = m.create(at.rows()).toType(DataType.INT64, false);
            // embedding() is a row gather whose backward adds into the gathered rows only.
            NDArray gathered = index.getNDArrayInternal().embedding(index, flat, SparseFormat.DENSE).singletonOrThrow();
            gathered.attach(m);
            int[] targets = at.targets();
            if (headRows != null) {
                targets = targets.clone();
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = headRows.column(targets[i]);
                }
            }
            int chunk = headRows == null && !weights.lmHead().hasGradient() ? chunkRows : targets.length;
            NDArray sum = null;
            if (chunk >= targets.length) {
                NDArray logits = headRows == null ? Linear.linear(gathered, weights.lmHead()).singletonOrThrow()
                        : headRows.logits(m, gathered);
                sum = pickedSum(m, logits, targets, 0, targets.length);
            } else {
                // A frozen head (LoRA): the logits, their log-softmax and its gradients in pieces of a
                // few MB, which the allocator reuses step after step, rather than [rows, V] arrays of
                // 100+ MB, each fresh memory (page faults) and each missing the caches.
                long[] cuts = new long[(targets.length - 1) / chunk];
                for (int k = 0; k < cuts.length; k++) {
                    cuts[k] = (long) (k + 1) * chunk;
                }
                NDList parts = gathered.split(cuts, 0);
                for (int k = 0; k < parts.size(); k++) {
                    NDArray logits = Linear.linear(parts.get(k), weights.lmHead()).singletonOrThrow();
                    NDArray piece = pickedSum(m, logits, targets, k * chunk, Math.min(targets.length, (k + 1) * chunk));
                    sum = sum == null ? piece : sum.add(piece);
                }
            }
            NDArray loss = sum.neg().div(TensorConstants.scalar(m, targets.length));
            loss.attach(out);
            return loss;
        }
    }

    /** Rows of a frozen LM head's logits computed at once: at most 16 MB of float32 logits (128 rows at V = 32,000). */
    static int headChunkRows(int vocab) {
        int rows = Math.max(1, (16 << 20) / (4 * vocab));
        return Integer.highestOneBit(rows);
    }

    /** Σ log-softmax(logits)[r, targets[from + r]] over the rows r of {@code logits} (targets[from..to)). */
    private static NDArray pickedSum(NDManager m, NDArray logits, int[] targets, int from, int to) {
        NDArray idx = m.create(java.util.Arrays.copyOfRange(targets, from, to), new Shape(to - from, 1))
                .toType(DataType.INT64, false);
        return logits.logSoftmax(-1).gather(idx, 1).sum();
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

    private NDArray block(NDManager m, int l, NDArray x, NDArray[] cosSin, NDArray mask, KvCache cache, boolean inPlace) {
        String p = "model.layers." + l + ".";
        NDArray h = rmsNorm(x, weights.get(p + "input_layernorm.weight"), inPlace);
        NDArray attn = attention.forward(m, l, p + "self_attn.", h, cosSin, mask, cache, inPlace);
        // x itself may be kept as a hidden state, so the sum goes into the fresh attention output.
        x = inPlace ? attn.addi(x) : x.add(attn);
        h = rmsNorm(x, weights.get(p + "post_attention_layernorm.weight"), inPlace);
        return mlp.residual(m, p + "mlp.", h, x, inPlace);
    }

    private NDArray rmsNorm(NDArray x, NDArray weight, boolean inPlace) {
        // sum then scale, not mean: the gradient of a sum is a broadcast view, that of a mean a
        // full-size division.
        long h = x.getShape().get(x.getShape().dimension() - 1);
        NDManager m = x.getManager();
        NDArray var = x.square().sum(new int[] {-1}, true).mul(TensorConstants.scalar(m, 1f / h));
        NDArray scaled = x.mul(var.add((float) c.rmsNormEps()).sqrt().pow(TensorConstants.scalar(m, -1f)));
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
        NDArray mask = TensorConstants.of(m, valid, new Shape(b, t));
        NDArray loss = picked.mul(mask).sum().neg().div(TensorConstants.scalar(m, count));
        loss.attach(out);
        return loss;
    }

    /**
     * The loss positions of labels [B][T] with the shift by one: {@code rows} are the flat
     * indices b·T + t of the positions whose next label is not −100, {@code targets} those labels.
     */
    record LossPositions(int[] rows, int[] targets) {
        static LossPositions of(int[][] labels, int t, long vocab) {
            int n = 0;
            for (int[] row : labels) {
                if (row.length != t) {
                    throw new IllegalArgumentException("labels row has " + row.length + " columns, input_ids has " + t);
                }
                for (int j = 1; j < t; j++) {
                    n += row[j] != -100 ? 1 : 0;
                }
            }
            if (n == 0) {
                throw new IllegalArgumentException("no label other than -100 after the first position");
            }
            int[] rows = new int[n];
            int[] targets = new int[n];
            int k = 0;
            for (int i = 0; i < labels.length; i++) {
                for (int j = 1; j < t; j++) {
                    int lab = labels[i][j];
                    if (lab == -100) {
                        continue;
                    }
                    if (lab < 0 || lab >= vocab) {
                        throw new IllegalArgumentException("label " + lab + " at [" + i + "][" + j
                                + "] outside the vocabulary of " + vocab);
                    }
                    rows[k] = i * t + j - 1;
                    targets[k++] = lab;
                }
            }
            return new LossPositions(rows, targets);
        }
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
