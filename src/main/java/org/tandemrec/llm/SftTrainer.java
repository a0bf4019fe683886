package org.tandemrec.llm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tandemrec.data.Progress;

/**
 * Supervised fine-tuning of a decoder on (prompt, answer) pairs: each example is the prompt's
 * tokens followed by the answer's and end-of-sequence, labels −100 on the prompt so the loss
 * is on the answer only (the Hugging Face convention, shift by one inside the loss); batches
 * left-padded; LoRA (frozen base, only A/B train), LoRA plus added ID-token rows, or full
 * fine-tuning. Holds only its settings; the adapter or weights passed in are trained in place.
 */
public final class SftTrainer {
    /** Loss of every optimiser step, in order. */
    public record Result(float[] stepLosses) {
        public float firstLoss() {
            return stepLosses[0];
        }

        public float lastLoss() {
            return stepLosses[stepLosses.length - 1];
        }
    }

    private final SftConfig config;

    public SftTrainer(SftConfig config) {
        this.config = config;
    }

    public SftConfig config() {
        return config;
    }

    /** Trains {@code adapter}'s A and B matrices over a frozen {@code base}. */
    public Result trainLora(DecoderWeights base, LoraAdapter adapter, LlmTokenizer tokenizer, List<SftExample> examples,
                            NDManager manager) {
        return train(new Decoder(base, adapter, true), GradientStep.loraParameters(adapter), tokenizer, examples, manager);
    }

    /**
     * Trains the adapter and the embedding (and untied LM-head) rows from {@code firstTokenRow}
     * on: the ID tokens a {@link VocabularyExtension} added.
     */
    public Result trainLoraAndTokenRows(DecoderWeights base, LoraAdapter adapter, int firstTokenRow, LlmTokenizer tokenizer,
                                        List<SftExample> examples, NDManager manager) {
        List<GradientStep.Parameter> params = new ArrayList<>(GradientStep.loraParameters(adapter));
        params.addAll(GradientStep.tokenRowParameters(base, firstTokenRow));
        return train(new Decoder(base, adapter, true), params, tokenizer, examples, manager);
    }

    /** Trains every weight (small models). */
    public Result trainFull(DecoderWeights weights, LlmTokenizer tokenizer, List<SftExample> examples, NDManager manager) {
        return train(new Decoder(weights, null, true), GradientStep.allParameters(weights), tokenizer, examples, manager);
    }

    /** The loop over epochs and shuffled batches; {@code params} are the tensors {@code decoder} reads that train. */
    public Result train(Decoder decoder, List<GradientStep.Parameter> params, LlmTokenizer tokenizer,
                        List<SftExample> examples, NDManager manager) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        LlamaConfig c = decoder.config();
        List<int[][]> encoded = new ArrayList<>();
        for (SftExample e : examples) {
            encoded.add(encode(tokenizer, e, c.eosTokenId(), config.maxLength()));
        }
        int padId = padId(c);
        int perStep = config.batchSize() * config.gradAccumulation();
        int stepsPerEpoch = (encoded.size() + perStep - 1) / perStep;
        int total = stepsPerEpoch * config.epochs();
        LrSchedule schedule = new LrSchedule(config.lr(), config.warmupSteps(), total, config.minLrRatio());
        SplittableRandom rnd = new SplittableRandom(config.seed());
        Engine.getInstance().setRandomSeed((int) rnd.split().nextLong()); // LoRA dropout masks
        SplittableRandom order = rnd.split();
        float[] losses = new float[total];
        int step = 0;
        try (GradientStep opt = new GradientStep(decoder, params, config.adamW(), config.maxGradNorm(), manager);
             Progress progress = Progress.start("sft", total)) {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                int[] idx = shuffled(encoded.size(), order);
                for (int from = 0; from < idx.length; from += perStep) {
                    List<TrainBatch> micro = new ArrayList<>();
                    for (int mb = from; mb < Math.min(idx.length, from + perStep); mb += config.batchSize()) {
                        List<int[]> in = new ArrayList<>();
                        List<int[]> lab = new ArrayList<>();
                        for (int k = mb; k < Math.min(Math.min(idx.length, from + perStep), mb + config.batchSize()); k++) {
                            in.add(encoded.get(idx[k])[0]);
                            lab.add(encoded.get(idx[k])[1]);
                        }
                        micro.add(TrainBatch.leftPadded(in, lab, padId));
                    }
                    GradientStep.Outcome o = opt.step(manager, micro, schedule.lr(step));
                    losses[step++] = o.loss();
                    progress.setExtra(String.format(Locale.ROOT, "loss %.4f", o.loss()));
                    progress.step(1);
                }
            }
        }
        return new Result(losses);
    }

    /** Pad id of a model: its pad token, else end-of-sequence, else 0 (padding is masked anyway). */
    static int padId(LlamaConfig c) {
        return c.padTokenId() >= 0 ? c.padTokenId() : Math.max(0, c.eosTokenId());
    }

    /**
     * Input ids and labels of one example: prompt + answer (+ eos when {@code eosId} ≥ 0),
     * labels −100 on the prompt. Longer than {@code maxLength}: the prompt is cut from the
     * left; an answer alone longer than that is cut at its end.
     */
    public static int[][] encode(LlmTokenizer tokenizer, SftExample e, int eosId, int maxLength) {
        int[] p = tokenizer.encode(e.prompt());
        int[] a = tokenizer.encode(e.answer());
        if (eosId >= 0) {
            a = Arrays.copyOf(a, a.length + 1);
            a[a.length - 1] = eosId;
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("answer '" + e.answer() + "' encodes to no tokens");
        }
        if (a.length >= maxLength) {
            a = Arrays.copyOf(a, maxLength - 1);
        }
        if (p.length + a.length > maxLength) {
            p = Arrays.copyOfRange(p, p.length - (maxLength - a.length), p.length);
        }
        if (p.length == 0) {
            throw new IllegalArgumentException("prompt '" + e.prompt() + "' encodes to no tokens");
        }
        int[] ids = new int[p.length + a.length];
        int[] labels = new int[ids.length];
        System.arraycopy(p, 0, ids, 0, p.length);
        System.arraycopy(a, 0, ids, p.length, a.length);
        Arrays.fill(labels, 0, p.length, -100);
        System.arraycopy(a, 0, labels, p.length, a.length);
        return new int[][] {ids, labels};
    }

    private static int[] shuffled(int n, SplittableRandom rnd) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }
}
