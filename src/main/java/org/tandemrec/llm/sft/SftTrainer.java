package org.tandemrec.llm.sft;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.VocabularyExtension;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.TrainResult;
import org.tandemrec.train.Trainer;

/**
 * Supervised fine-tuning of a decoder on (prompt, answer) pairs through the shared {@link
 * Trainer}: each example is the prompt's tokens followed by the answer's and end-of-sequence,
 * labels −100 on the prompt so the loss is on the answer only; micro-batches left-padded and
 * accumulated; global-norm clipping; linear warm-up then cosine decay; AdamW on the trainable
 * tensors only — a LoRA adapter over a frozen base, LoRA plus the rows of added ID tokens, or
 * every weight. Holds only its settings; the adapter or weights passed in are trained in place.
 * {@link SftJob} runs it from files to files.
 */
public final class SftTrainer {
    private final SftConfig config;

    public SftTrainer(SftConfig config) {
        this.config = config;
    }

    public SftConfig config() {
        return config;
    }

    /** Trains {@code adapter}'s A and B matrices over a frozen {@code base}. */
    public TrainResult trainLora(DecoderWeights base, LoraAdapter adapter, List<SftSequence> train, List<SftSequence> valid,
                                 TrainHooks hooks, NDManager manager) {
        return fit(base, adapter, CausalLmGradients.loraParameters(adapter), train, valid, hooks, manager);
    }

    /**
     * Trains the adapter and the embedding (and untied LM-head) rows from {@code firstTokenRow}
     * on: the ID tokens a {@link VocabularyExtension} added, row-sparse (a step updates the rows of
     * the tokens in its batches only; {@link CausalLmGradients}). {@code weights} must be a
     * writable copy ({@link DecoderWeights#with}), not the memory-mapped load.
     */
    public TrainResult trainLoraAndTokenRows(DecoderWeights weights, LoraAdapter adapter, int firstTokenRow,
                                             List<SftSequence> train, List<SftSequence> valid, TrainHooks hooks,
                                             NDManager manager) {
        List<Parameter> params = new ArrayList<>(CausalLmGradients.loraParameters(adapter));
        params.addAll(CausalLmGradients.tokenRowParameters(weights, firstTokenRow));
        return fit(weights, adapter, params, train, valid, hooks, manager);
    }

    /** Trains every weight (small models); {@code weights} must be a writable copy. */
    public TrainResult trainFull(DecoderWeights weights, List<SftSequence> train, List<SftSequence> valid, TrainHooks hooks,
                                 NDManager manager) {
        return fit(weights, null, CausalLmGradients.allParameters(weights), train, valid, hooks, manager);
    }

    /** Builds the task for {@code trainable} and runs the trainer, which trains the tensors in place. */
    public TrainResult fit(DecoderWeights weights, LoraAdapter adapter, List<Parameter> trainable,
                           List<SftSequence> train, List<SftSequence> valid, TrainHooks hooks, NDManager manager) {
        return fit(task(weights, adapter, trainable, train, manager), valid, hooks);
    }

    /** The training task for these settings. */
    public SftTask task(DecoderWeights weights, LoraAdapter adapter, List<Parameter> trainable,
                        List<SftSequence> train, NDManager manager) {
        return new SftTask(weights, adapter, trainable, train, config.batchSize(), manager);
    }

    /**
     * Runs the trainer on {@code task}: the validation loss of {@code valid} (null or empty: none)
     * after every epoch drives early stopping and the best epoch's values are kept.
     */
    public TrainResult fit(SftTask task, List<SftSequence> valid, TrainHooks hooks) {
        return fit(task, valid, hooks, (epoch, loss) -> { });
    }

    /** As {@link #fit(SftTask, List, TrainHooks)}, telling {@code onValidation} each epoch's validation loss. */
    public TrainResult fit(SftTask task, List<SftSequence> valid, TrainHooks hooks, BiConsumer<Integer, Double> onValidation) {
        boolean validating = valid != null && !valid.isEmpty();
        if (config.patience() > 0 && !validating) {
            throw new UsageException("patience " + config.patience() + " needs validation examples");
        }
        TrainHooks h = validating ? hooks.withValidation(epoch -> {
            double loss = task.validationLoss(valid);
            onValidation.accept(epoch, loss);
            return loss;
        }) : hooks.withValidation(null);
        return new Trainer(config.trainConfig()).fit(task, h);
    }

    /** Encodes examples with the model's end-of-sequence token, cut to {@code maxLength} tokens. */
    public static List<SftSequence> encode(LlmTokenizer tokenizer, List<SftExample> examples, LlamaConfig model,
                                           int maxLength) {
        List<SftSequence> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            SftExample e = examples.get(i);
            try {
                out.add(SftSequence.encode(tokenizer, e, model.eosTokenId(), maxLength));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("example " + (i + 1) + (e.id() == null ? "" : " (id " + e.id() + ")")
                        + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }
}
