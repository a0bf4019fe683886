package org.tandemrec.llm.sft;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainingTask;

/**
 * Supervised fine-tuning of a decoder as a {@link TrainingTask} of the shared {@link
 * org.tandemrec.train.Trainer}: the loss is the mean next-token cross-entropy over the answer
 * tokens of an optimiser step (labels −100 on prompt and padding), gradients by autograd.
 *
 * <p>The trainer's batch of B·A example indices (B micro-batch size, A accumulation steps) is
 * cut into A left-padded micro-batches of B rows; their gradients are summed with each
 * micro-batch weighted by its share of the step's answer tokens, so the step equals one batch of
 * B·A rows ({@link CausalLmGradients}). The trainable tensors are the trainer's {@link
 * Parameter}s themselves — the LoRA A/B matrices, LoRA plus the embedding (and untied LM-head)
 * rows of added ID tokens (row-sparse), or every weight (full fine-tuning) — so the trainer clips the global
 * gradient norm, applies the warm-up + cosine rate and AdamW, and checkpoints on the tensors the
 * decoder reads, in place.
 *
 * <p>Randomness: LoRA dropout masks come from the engine's generator, reseeded at every step
 * from the trainer's per-step stream, so a resumed run draws the masks of the uninterrupted one
 * and two runs with one seed give the same losses.
 */
public final class SftTask implements TrainingTask {
    /** Sees every step's mean answer loss, its real (non-padding) tokens and its answer tokens. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(long step, double loss, int tokens, int answerTokens);
    }

    private final LoraAdapter adapter;
    private final CausalLmGradients gradients;
    private final Decoder inference;
    private final ParameterSet parameters;
    private final List<SftSequence> examples;
    private final int microBatch;
    private final int padId;
    private final NDManager manager;
    private final String fingerprint;
    private StepListener listener = (step, loss, tokens, answer) -> { };

    /**
     * @param weights    the model; the tensors of {@code trainable} must be writable copies (not
     *                   the memory-mapped load: see {@link DecoderWeights#with})
     * @param adapter    LoRA adapter applied to {@code weights}, or null
     * @param trainable  the tensors that train, each from its {@link Parameter#firstRow()}
     *                   ({@link CausalLmGradients#loraParameters} and the like)
     * @param examples   training sequences (the trainer shuffles their indices)
     * @param microBatch rows per forward pass (> 0)
     */
    public SftTask(DecoderWeights weights, LoraAdapter adapter, List<Parameter> trainable,
                   List<SftSequence> examples, int microBatch, NDManager manager) {
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("no trainable parameters");
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        if (microBatch <= 0) {
            throw new IllegalArgumentException("microBatch must be > 0, got " + microBatch);
        }
        for (Parameter p : trainable) {
            if (p.isTensor() && weights.isReadOnly(p.tensor())) {
                // The optimiser updates tensors in place: a write into the read-only mapping kills the JVM.
                throw new IllegalArgumentException("weight " + p.name() + " is the memory-mapped, read-only checkpoint"
                        + " (DecoderWeights.load) and cannot train in place: train a writable copy"
                        + " (DecoderWeights.writableCopy), as full fine-tuning and ID-token rows need");
            }
        }
        this.adapter = adapter;
        this.gradients = new CausalLmGradients(new Decoder(weights, adapter, true), trainable);
        this.inference = new Decoder(weights, adapter, false);
        this.examples = List.copyOf(examples);
        this.microBatch = microBatch;
        this.padId = weights.config().batchPadId();
        this.manager = manager;
        StringBuilder fp = new StringBuilder();
        fp.append(weights.config()).append('\n');
        // Not the adapter's base-model path: a run directory may move between a crash and its resumption.
        fp.append(adapter == null ? "no adapter" : adapter.config().withBaseModel("").toString()).append('\n');
        for (Parameter t : trainable) {
            fp.append(t.name()).append(' ').append(t.tensor().getShape()).append(" from ").append(t.firstRow());
            if (t.endRow() != t.tensor().getShape().get(0)) {
                fp.append(" to ").append(t.endRow());
            }
            fp.append('\n');
        }
        this.parameters = new ParameterSet(trainable);
        fp.append(String.format(Locale.ROOT, "micro=%d pad=%d examples=%d data=%08x base=%08x", microBatch, padId,
                this.examples.size(), dataChecksum(this.examples), weightSample(weights, manager)));
        this.fingerprint = fp.toString();
    }

    private static final int SAMPLED_VALUES = 4096;

    /**
     * A checksum of up to {@value #SAMPLED_VALUES} evenly spaced values of every weight, so that a
     * run is not resumed on another checkpoint of the same architecture; sampled because reading
     * every value of a memory-mapped 7B model would take longer than the check is worth.
     */
    static long weightSample(DecoderWeights weights, NDManager manager) {
        CRC32 crc = new CRC32();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4);
        try (NDManager m = manager.newSubManager()) {
            for (Map.Entry<String, NDArray> e : new java.util.TreeMap<>(weights.tensors()).entrySet()) {
                NDArray flat = e.getValue().reshape(-1);
                long stride = Math.max(1, flat.size() / SAMPLED_VALUES);
                NDArray sample = flat.get(new NDIndex("::{}", stride));
                sample.attach(m);
                flat.attach(m);
                crc.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                for (float v : sample.toFloatArray()) {
                    b.clear();
                    b.putFloat(v);
                    crc.update(b.array(), 0, 4);
                }
            }
        }
        return crc.getValue();
    }

    private static long dataChecksum(List<SftSequence> seqs) {
        CRC32 crc = new CRC32();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
        for (SftSequence s : seqs) {
            int[] ids = s.idsView();
            int[] labels = s.labelsView();
            for (int i = 0; i < ids.length; i++) {
                b.clear();
                b.putInt(ids[i]).putInt(labels[i]);
                crc.update(b.array(), 0, 8);
            }
            b.clear();
            b.putInt(-1).putInt(ids.length);
            crc.update(b.array(), 0, 8);
        }
        return crc.getValue();
    }

    /** Receives every step's loss; replaces any earlier listener. */
    public void setListener(StepListener l) {
        this.listener = l == null ? (step, loss, tokens, answer) -> { } : l;
    }

    @Override
    public String modelName() {
        return "llm-sft";
    }

    @Override
    public String configFingerprint() {
        return fingerprint;
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public int numExamples() {
        return examples.size();
    }

    @Override
    public double trainBatch(int[] batch, long step, SplittableRandom random) {
        if (adapter != null && adapter.config().dropout() > 0) {
            Engine.getInstance().setRandomSeed(random.nextInt());
        }
        List<TrainBatch> micro = new ArrayList<>();
        int tokens = 0;
        int answer = 0;
        for (int from = 0; from < batch.length; from += microBatch) {
            int to = Math.min(batch.length, from + microBatch);
            List<SftSequence> rows = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                SftSequence s = examples.get(batch[k]);
                rows.add(s);
                tokens += s.length();
                answer += s.lossTokens();
            }
            micro.add(SftSequence.leftPadded(rows, padId));
        }
        float loss = gradients.accumulate(manager, micro);
        listener.onStep(step, loss, tokens, answer);
        return loss;
    }

    /**
     * Mean answer-token loss of {@code sequences} with the current values, dropout off
     * (micro-batches of the training size; each sequence's tokens weigh equally).
     */
    public double validationLoss(List<SftSequence> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no validation examples");
        }
        double sum = 0;
        long count = 0;
        for (int from = 0; from < sequences.size(); from += microBatch) {
            int to = Math.min(sequences.size(), from + microBatch);
            TrainBatch b = SftSequence.leftPadded(sequences.subList(from, to), padId);
            int n = b.lossTokens();
            try (NDManager m = manager.newSubManager()) {
                sum += (double) inference.causalLmLoss(m, b).getFloat() * n;
                count += n;
            }
        }
        return sum / count;
    }

    /** Number of trained scalars. */
    public long trainableCount() {
        return parameters.size();
    }
}
