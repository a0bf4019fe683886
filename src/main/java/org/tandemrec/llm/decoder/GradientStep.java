package org.tandemrec.llm.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.llm.lora.LoraAdapter;

/**
 * One optimiser step of causal-LM training over the tensors a decoder reads: gradients by
 * autograd summed over micro-batches (gradient accumulation), each micro-batch's mean loss
 * weighted by its share of the step's loss tokens so the result equals one big batch's mean;
 * global L2-norm clipping; then {@link TensorAdamW} with the given rate. Only the listed
 * parameters get gradients and optimiser state; a parameter may be restricted to its rows from
 * {@code firstRow} on (added ID tokens of the embedding), the other rows staying frozen.
 */
public final class GradientStep implements AutoCloseable {
    /** A trainable tensor (updated in place) and the first of its rows that train (0: all). */
    public record Parameter(String name, NDArray array, int firstRow) {
        public Parameter {
            if (firstRow < 0 || firstRow >= array.getShape().get(0)) {
                throw new IllegalArgumentException(name + ": firstRow must be in [0, " + array.getShape().get(0) + "), got " + firstRow);
            }
        }
    }

    /**
     * Mean loss over the step's loss tokens, the gradient norm before clipping, and whether the
     * update was skipped because the loss or a gradient was not finite (the parameters and the
     * optimiser state are then left as they were, as mixed-precision trainers do).
     */
    public record Outcome(float loss, float gradNorm, boolean skipped) {
    }

    private final Decoder decoder;
    private final List<Parameter> params;
    private final TensorAdamW optimizer;
    private final float maxGradNorm;

    /** {@code maxGradNorm} ≤ 0 turns clipping off. */
    public GradientStep(Decoder decoder, List<Parameter> params, AdamW.Settings settings, float maxGradNorm, NDManager parent) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters");
        }
        this.decoder = decoder;
        this.params = List.copyOf(params);
        this.optimizer = new TensorAdamW(settings, parent);
        this.maxGradNorm = maxGradNorm;
    }

    /** Trainable LoRA matrices of {@code adapter} (by PEFT key). */
    public static List<Parameter> loraParameters(LoraAdapter adapter) {
        List<Parameter> out = new java.util.ArrayList<>();
        adapter.pairs().forEach((k, p) -> {
            out.add(new Parameter(LoraAdapter.peftKey(k, true), p.a(), 0));
            out.add(new Parameter(LoraAdapter.peftKey(k, false), p.b(), 0));
        });
        return out;
    }

    /** Every weight of a model (full fine-tuning, pre-training). */
    public static List<Parameter> allParameters(DecoderWeights weights) {
        List<Parameter> out = new java.util.ArrayList<>();
        weights.tensors().forEach((k, a) -> out.add(new Parameter(k, a, 0)));
        return out;
    }

    /** The embedding (and untied LM-head) rows from {@code firstRow}: the added ID tokens. */
    public static List<Parameter> tokenRowParameters(DecoderWeights weights, int firstRow) {
        List<Parameter> out = new java.util.ArrayList<>();
        out.add(new Parameter("model.embed_tokens.weight", weights.get("model.embed_tokens.weight"), firstRow));
        if (!weights.config().tieWordEmbeddings()) {
            out.add(new Parameter("lm_head.weight", weights.get("lm_head.weight"), firstRow));
        }
        return out;
    }

    /** Accumulated (unclipped) gradients of the micro-batches as Java arrays, and the loss. */
    public Map<String, float[]> gradients(NDManager manager, List<TrainBatch> microBatches, float[] lossOut) {
        return gradients(decoder, params, manager, microBatches, lossOut);
    }

    /**
     * Gradients of {@code params} (each restricted to its rows from {@code firstRow}) summed over
     * the micro-batches, each micro-batch's mean loss weighted by its share of the loss tokens,
     * as Java arrays; {@code lossOut[0]} gets the step's mean loss. No clipping, no update: the
     * caller's optimiser does that.
     */
    public static Map<String, float[]> gradients(Decoder decoder, List<Parameter> params, NDManager manager,
                                                 List<TrainBatch> microBatches, float[] lossOut) {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> g = accumulate(decoder, params, m, microBatches, lossOut);
            Map<String, float[]> out = new LinkedHashMap<>();
            g.forEach((k, v) -> out.put(k, v.toFloatArray()));
            return out;
        }
    }

    /** Accumulates, clips and applies one AdamW update with rate {@code lr}. */
    public Outcome step(NDManager manager, List<TrainBatch> microBatches, float lr) {
        try (NDManager m = manager.newSubManager()) {
            float[] loss = new float[1];
            Map<String, NDArray> g = accumulate(decoder, params, m, microBatches, loss);
            double sq = 0;
            for (NDArray a : g.values()) {
                sq += a.mul(a).sum().getFloat();
            }
            float norm = (float) Math.sqrt(sq);
            if (!Float.isFinite(norm) || !Float.isFinite(loss[0])) {
                return new Outcome(loss[0], norm, true);
            }
            float clip = maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6f) : 1f;
            for (Parameter p : params) {
                NDArray grad = g.get(p.name());
                if (clip != 1f) {
                    grad.muli(clip);
                }
                if (p.firstRow() == 0) {
                    optimizer.step(p.name(), p.array(), grad, lr);
                } else {
                    NDIndex rows = new NDIndex("{}:", p.firstRow());
                    NDArray slice = p.array().get(rows);
                    slice.attach(m);
                    optimizer.step(p.name(), slice, grad, lr);
                    p.array().set(rows, slice);
                }
            }
            return new Outcome(loss[0], norm, false);
        }
    }

    private static Map<String, NDArray> accumulate(Decoder decoder, List<Parameter> params, NDManager m,
                                                   List<TrainBatch> microBatches, float[] lossOut) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one micro-batch");
        }
        int total = 0;
        for (TrainBatch b : microBatches) {
            total += b.lossTokens();
        }
        if (total == 0) {
            throw new IllegalArgumentException("no loss tokens in the step's micro-batches");
        }
        Map<String, NDArray> acc = new LinkedHashMap<>();
        double lossSum = 0;
        for (TrainBatch b : microBatches) {
            int n = b.lossTokens();
            if (n == 0) {
                continue;
            }
            for (Parameter p : params) {
                p.array().setRequiresGradient(true);
            }
            try (NDManager fm = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                DecoderOutput o = decoder.forward(fm, b.ids(), b.mask(), b.positions(), null, false);
                NDArray loss = Decoder.causalLmLoss(fm, o.logits(), b.labels()).mul((float) n / total);
                gc.backward(loss);
                lossSum += loss.getFloat();
                for (Parameter p : params) {
                    NDArray grad = p.array().getGradient();
                    NDArray part = p.firstRow() == 0 ? grad.duplicate() : grad.get(new NDIndex("{}:", p.firstRow()));
                    part.attach(m);
                    NDArray prev = acc.get(p.name());
                    if (prev == null) {
                        acc.put(p.name(), part);
                    } else {
                        prev.addi(part);
                    }
                    // PyTorch adds the next backward's gradient to this one; a fill (unlike
                    // subtracting it from itself) also clears an infinite or NaN entry.
                    grad.set(new NDIndex("..."), 0f);
                    grad.attach(fm);
                }
            } finally {
                for (Parameter p : params) {
                    p.array().setRequiresGradient(false);
                }
            }
        }
        lossOut[0] = (float) lossSum;
        return acc;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
