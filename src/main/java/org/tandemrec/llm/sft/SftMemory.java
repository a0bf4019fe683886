package org.tandemrec.llm.sft;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.tandemrec.base.ByteSize;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.AvailableMemory;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.LlmFootprint;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.llm.safetensors.SafetensorsReader;

/**
 * What fine-tuning a checkpoint under given settings needs in memory, from the model's shapes
 * alone, so a run too big for the machine is refused before anything is loaded: {@code llm sft}
 * checks it, and so do the methods that fine-tune with ID tokens appended to the vocabulary.
 *
 * @param model     the checkpoint's config, before any rows are appended
 * @param config    the fine-tuning settings
 * @param addedRows vocabulary rows appended to the model before training (ID tokens); they train
 *                  in every mode
 * @param maxLength the longest training sequence
 */
public record SftMemory(LlamaConfig model, SftConfig config, long addedRows, int maxLength) {
    public SftMemory {
        if (addedRows < 0) {
            throw new IllegalArgumentException("addedRows must be >= 0, got " + addedRows);
        }
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be > 0, got " + maxLength);
        }
    }

    private int tables() {
        return model.tieWordEmbeddings() ? 1 : 2;
    }

    /** Embedding (and untied head) rows that train beside the LoRA matrices. */
    private long trainedRows() {
        long own = config.idTokenRowsFrom() >= 0 ? model.vocabSize() - config.idTokenRowsFrom() : 0;
        return own + addedRows;
    }

    /** Float32 bytes of the weights with the appended rows. */
    private long weightBytes() {
        return model.float32Bytes() + addedRows * model.hiddenSize() * 4L * tables();
    }

    /** Scalars that train. */
    public long trainable() {
        if (config.mode() == SftConfig.Mode.FULL) {
            return model.parameterCount() + addedRows * model.hiddenSize() * (long) tables();
        }
        LoraConfig lora = config.loraConfig("");
        long n = 0;
        for (Map.Entry<String, long[]> e : DecoderWeights.expectedShapes(model).entrySet()) {
            String name = e.getKey();
            long[] s = e.getValue();
            if (s.length == 2 && name.endsWith(".weight") && !name.contains("embed_tokens") && !name.startsWith("lm_head")
                    && lora.targets(name.substring(0, name.length() - ".weight".length()))) {
                n += (long) lora.rank() * (s[0] + s[1]);
            }
        }
        return n + trainedRows() * model.hiddenSize() * tables();
    }

    /**
     * Native memory training adds to the loaded weights (a rough upper estimate): a writable copy
     * of the weights when tensors of the model train or rows are appended; the step's accumulated
     * gradient and AdamW's two moments of every trained value; autograd gradients of the trained
     * tensors (whole tensors: an embedding with trainable rows gets a full-size gradient);
     * activations of one micro-batch of {@code maxLength} tokens kept for the backward pass.
     */
    public long nativeTrainingBytes() {
        boolean copy = config.mode() == SftConfig.Mode.FULL || trainedRows() > 0;
        long trainable = trainable();
        long bytes = (copy ? weightBytes() : 0) + 3 * trainable * 4;
        long vocab = model.vocabSize() + addedRows;
        if (config.mode() == SftConfig.Mode.FULL) {
            bytes += weightBytes();
        } else {
            bytes += trainable * 4;
            if (trainedRows() > 0) {
                bytes += vocab * model.hiddenSize() * 4L * tables();
            }
        }
        long tokens = (long) config.batchSize() * maxLength;
        long perToken = (long) model.numLayers() * (16L * model.hiddenSize() + 6L * model.intermediateSize()
                + 2L * model.numHeads() * maxLength) + 3L * vocab;
        return bytes + tokens * perToken * 4;
    }

    /**
     * What the run writes ({@link LlmFootprint}): a checkpoint of the trained values (and the best
     * epoch's while {@code validating}), and the model (float32, with the appended rows) when
     * tensors of it train, and the LoRA adapter when {@code savesAdapter} (BDLM merges it instead).
     *
     * @param run      what trains, for messages
     * @param replaced whether a later checkpoint replaces an earlier one
     */
    public LlmFootprint footprint(String run, boolean validating, boolean replaced, boolean savesAdapter) {
        boolean model = config.mode() == SftConfig.Mode.FULL || trainedRows() > 0;
        long adapter = config.mode() == SftConfig.Mode.LORA && savesAdapter
                ? (trainable() - trainedRows() * model().hiddenSize() * tables()) * Float.BYTES : 0;
        return new LlmFootprint(run, trainable(), validating ? 4 : 3, (model ? weightBytes() : 0) + adapter,
                model ? (adapter > 0 ? "the model and adapter it saves" : "the model it saves") : "the adapter it saves",
                replaced);
    }

    /**
     * Refuses, with the need and what is available, settings whose native memory (the weights'
     * copied part and {@link #nativeTrainingBytes()}) exceeds {@code available}, or whose state
     * kept in Java arrays — {@code heapCopies} float copies of every trained value — exceeds the
     * maximum heap.
     *
     * @param modelDir the checkpoint, whose float32 tensors are used in place from the mapped file
     */
    public void check(AvailableMemory available, Path modelDir, int heapCopies) throws IOException {
        model.checkFits(available, DecoderWeights.mappedBytes(model,
                SafetensorsReader.open(modelDir)), nativeTrainingBytes());
        long heap = trainable() * 4 * heapCopies;
        if (heap > AvailableMemory.heapBytes()) {
            throw new UsageException("training state of " + String.format(Locale.ROOT, "%,d", trainable())
                    + " parameters needs " + ByteSize.human(heap) + " of Java heap but the maximum heap is "
                    + ByteSize.human(AvailableMemory.heapBytes()) + " (raise -Xmx, e.g. TANDEM_JAVA_OPTS=-Xmx16g)");
        }
    }
}
