package org.tandemrec.llm.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tandemrec.llm.decoder.AdamW;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.lora.LoraAdapter;

/**
 * Supervised fine-tuning of a LoRA adapter with a frozen base: loss on answer tokens only
 * (labels −100 elsewhere, Hugging Face shift by one, mean over the batch's answer tokens),
 * gradients for the A and B matrices by autograd, AdamW updates. Each step yields a new
 * immutable {@link LoraAdapter}; the optimiser state lives in this object.
 */
public final class LoraSft {
    /** Loss of a batch and the gradient of every LoRA matrix by PEFT key. */
    public record Gradients(float loss, Map<String, float[]> byPeftKey) {
    }

    private final DecoderWeights base;
    private final AdamW optimizer;
    private LoraAdapter adapter;

    public LoraSft(DecoderWeights base, LoraAdapter initial, AdamW.Settings settings) {
        this.base = base;
        this.adapter = initial;
        this.optimizer = new AdamW(settings);
    }

    public LoraAdapter adapter() {
        return adapter;
    }

    /** Loss and gradients for one batch ([B][T] ids, mask, positions, labels). */
    public Gradients gradients(NDManager manager, int[][] ids, int[][] mask, int[][] positions, int[][] labels) {
        try (NDManager m = manager.newSubManager()) {
            adapter.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                DecoderOutput o = new Decoder(base, adapter).forward(m, ids, mask, positions, null, false);
                NDArray loss = Decoder.causalLmLoss(m, o.logits(), labels);
                gc.backward(loss);
                Map<String, float[]> g = new LinkedHashMap<>();
                for (Map.Entry<String, LoraAdapter.Pair> e : adapter.pairs().entrySet()) {
                    g.put(LoraAdapter.peftKey(e.getKey(), true), e.getValue().a().getGradient().toFloatArray());
                    g.put(LoraAdapter.peftKey(e.getKey(), false), e.getValue().b().getGradient().toFloatArray());
                }
                return new Gradients(loss.getFloat(), g);
            } finally {
                adapter.setRequiresGradient(false);
            }
        }
    }

    /** One AdamW step on one batch; returns the loss before the step. */
    public float step(NDManager manager, int[][] ids, int[][] mask, int[][] positions, int[][] labels) {
        Gradients g = gradients(manager, ids, mask, positions, labels);
        Map<String, float[]> updated = new LinkedHashMap<>();
        for (Map.Entry<String, LoraAdapter.Pair> e : adapter.pairs().entrySet()) {
            for (boolean isA : new boolean[] {true, false}) {
                String key = LoraAdapter.peftKey(e.getKey(), isA);
                float[] p = (isA ? e.getValue().a() : e.getValue().b()).toFloatArray();
                optimizer.step(key, p, g.byPeftKey().get(key));
                updated.put(key, p);
            }
        }
        LoraAdapter next = adapter.withValues(updated, manager);
        adapter.close();
        adapter = next;
        return g.loss();
    }
}
