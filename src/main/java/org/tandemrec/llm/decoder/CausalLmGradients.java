package org.tandemrec.llm.decoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TensorConstants;

/**
 * Gradients of a decoder's causal-LM loss for one optimiser step over micro-batches (gradient
 * accumulation): each micro-batch's mean loss is weighted by its share of the step's loss
 * tokens, so the sum equals the mean of one big batch, and autograd's gradients are added into
 * the tensor {@link Parameter}s the decoder reads — each restricted to its rows from {@link
 * Parameter#firstRow()} (the added ID tokens of an embedding), the other rows staying frozen.
 * No clipping and no update: the {@link org.tandemrec.train.Trainer} and its optimiser do that.
 */
public final class CausalLmGradients {
    private final Decoder decoder;
    private final List<Parameter> params;

    /** {@code params} are tensor parameters over tensors {@code decoder} reads. */
    public CausalLmGradients(Decoder decoder, List<Parameter> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters");
        }
        for (Parameter p : params) {
            if (!p.isTensor()) {
                throw new IllegalArgumentException("parameter " + p.name() + " is not a native tensor");
            }
        }
        this.decoder = decoder;
        this.params = List.copyOf(params);
    }

    /** Trainable LoRA matrices of {@code adapter} (by PEFT key). */
    public static List<Parameter> loraParameters(LoraAdapter adapter) {
        List<Parameter> out = new ArrayList<>();
        adapter.pairs().forEach((k, p) -> {
            out.add(Parameter.tensor(LoraAdapter.peftKey(k, true), p.a(), 0));
            out.add(Parameter.tensor(LoraAdapter.peftKey(k, false), p.b(), 0));
        });
        return out;
    }

    /** Every weight of a model (full fine-tuning, pre-training); the tensors must be writable, not a mapped load. */
    public static List<Parameter> allParameters(DecoderWeights weights) {
        List<Parameter> out = new ArrayList<>();
        weights.tensors().forEach((k, a) -> out.add(Parameter.tensor(k, a, 0)));
        return out;
    }

    /** The embedding (and untied LM-head) rows from {@code firstRow}: the added ID tokens. */
    public static List<Parameter> tokenRowParameters(DecoderWeights weights, int firstRow) {
        List<Parameter> out = new ArrayList<>();
        out.add(Parameter.tensor("model.embed_tokens.weight", weights.get("model.embed_tokens.weight"), firstRow));
        if (!weights.config().tieWordEmbeddings()) {
            out.add(Parameter.tensor("lm_head.weight", weights.get("lm_head.weight"), firstRow));
        }
        return out;
    }

    /**
     * Adds the gradients of the step's mean loss over {@code microBatches} into the parameters'
     * gradients ({@link Parameter#addGrad}) and returns that loss. Activations live in
     * sub-managers of {@code manager}, closed micro-batch by micro-batch.
     */
    public float accumulate(NDManager manager, List<TrainBatch> microBatches) {
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
        double lossSum = 0;
        for (TrainBatch b : microBatches) {
            int n = b.lossTokens();
            if (n == 0) {
                continue;
            }
            for (Parameter p : params) {
                p.tensor().setRequiresGradient(true);
            }
            try (NDManager fm = manager.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                DecoderOutput o = decoder.forward(fm, b.ids(), b.mask(), b.positions(), null, false);
                NDArray loss = Decoder.causalLmLoss(fm, o.logits(), b.labels()).mul(TensorConstants.scalar(fm, (float) n / total));
                gc.backward(loss);
                lossSum += loss.getFloat();
                for (Parameter p : params) {
                    NDArray grad = p.tensor().getGradient();
                    // A copy: the slice of a few rows is a view of autograd's gradient, cleared next.
                    NDArray rows = p.firstRow() == 0 ? grad : grad.get(new NDIndex("{}:", p.firstRow()));
                    p.addGrad(rows.duplicate());
                    if (rows != grad) {
                        rows.attach(fm);
                    }
                    // PyTorch adds the next backward's gradient to this one; a fill (unlike
                    // subtracting it from itself) also clears an infinite or NaN entry.
                    grad.set(new NDIndex("..."), 0f);
                    grad.attach(fm);
                }
            } finally {
                for (Parameter p : params) {
                    p.tensor().setRequiresGradient(false);
                }
            }
        }
        return (float) lossSum;
    }
}
