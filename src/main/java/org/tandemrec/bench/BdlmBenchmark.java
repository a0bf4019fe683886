package org.tandemrec.bench;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.PrefixScorer;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.train.AdamOptimizer;
import org.tandemrec.train.GradientClipping;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;

/**
 * The BDLM figures of {@code tandem bench bdlm}, one method per figure. The first: the mean time
 * of an SFT step of BDLM's LLM (arXiv 2311.03778 §4.2) — zeroed gradients, forward and backward of
 * a micro-batch of prompts that hold a few ID tokens and end in an {@code <iid_k>} or Yes/No
 * answer, global-norm clipping, one update with {@code llm sft}'s optimiser settings — with a
 * small and a large number of ID tokens appended to the vocabulary, on the same batches (their
 * ID tokens all among the small table's). Row-sparse ID rows and the LM head at the answer
 * positions make the two cost the same; the same step as the library took it before (logits at
 * every position, the ID rows a dense slice of the table) is measured beside it for comparison.
 * Small and large steps alternate, so that a shared machine's load drifts over both alike.
 */
public final class BdlmBenchmark {
    /** The step measured: which weights train, and how the gradient reaches the ID rows. */
    public enum Mode {
        /** LoRA adapter (the SFT defaults) and the ID rows, row-sparse, head at the answer positions. */
        LORA,
        /** LoRA and the ID rows as the library trained them before: a dense slice, logits at every position. */
        LORA_BEFORE,
        /** Every weight; the ID rows row-sparse, the base vocabulary dense, head at the answer positions. */
        FULL,
        /** Every weight as before: the whole embedding dense, logits at every position. */
        FULL_BEFORE
    }

    /**
     * Sizes of a run: the base model, the two numbers of ID tokens appended, rows per
     * micro-batch, prompt length (each prompt within ±10 % of it), ID tokens per prompt (one user
     * and the rest items, the answer aside), distinct batches cycled, warm-up and timed steps per
     * table size, timed steps of the modes as before (after at most one warm-up step: with the
     * large table they take tens of times longer, and their ratio is far from 1), and the seed of
     * weights and batches.
     */
    public record Settings(LlamaConfig model, int smallIds, int largeIds, int batch, int promptTokens, int idsPerPrompt,
                           int batches, int warmupSteps, int steps, int beforeSteps, long seed) {
        public Settings {
            if (model == null) {
                throw new UsageException("model must be given");
            }
            String[] names = {"smallIds", "largeIds", "batch", "promptTokens", "idsPerPrompt", "batches", "steps",
                "beforeSteps"};
            int[] values = {smallIds, largeIds, batch, promptTokens, idsPerPrompt, batches, steps, beforeSteps};
            for (int k = 0; k < names.length; k++) {
                if (values[k] <= 0) {
                    throw new UsageException(names[k] + " must be > 0, got " + values[k]);
                }
            }
            if (warmupSteps < 0) {
                throw new UsageException("warmupSteps must be >= 0, got " + warmupSteps);
            }
            if (largeIds < smallIds) {
                throw new UsageException("largeIds must be >= smallIds " + smallIds + ", got " + largeIds);
            }
            if (smallIds < 2) {
                throw new UsageException("smallIds must hold a user and an item, got " + smallIds);
            }
            if (idsPerPrompt + 2 > promptTokens * 9 / 10) {
                throw new UsageException("idsPerPrompt must leave room for text in a prompt of " + promptTokens
                        + " tokens, got " + idsPerPrompt);
            }
            if (model.vocabSize() < 8) {
                throw new UsageException("the model's vocabulary must have at least 8 tokens, got "
                        + model.vocabSize());
            }
        }

        /**
         * The demo model of {@code tandem llm pretrain} ({@link LlmBenchmark#demoModel()}), 1,000
         * against 100,000 ID tokens, micro-batches of 8 prompts of about 200 tokens with 6 ID
         * tokens each, 4 batches, 2 warm-up steps, then {@code steps} timed steps
         * ({@code beforeSteps} for the modes as before).
         */
        public static Settings demo(int steps, int beforeSteps) {
            return new Settings(LlmBenchmark.demoModel(), 1_000, 100_000, 8, 200, 6, 4, 2, steps, beforeSteps, 1);
        }

        /** A tiny model and tables of 50 and 500 ID tokens: the same code paths in a second. */
        public static Settings quick(int steps) {
            LlamaConfig tiny = new LlamaConfig("llama", 32, 64, 1, 4, 2, 8, 1e-5, RopeScaling.plain(10000), false, true, 200,
                    1, 2, 3, 512);
            return new Settings(tiny, 50, 500, 2, 24, 3, 2, 1, steps, steps, 1);
        }
    }

    /** Mean and median seconds of a step with the small and with the large table. */
    public record StepTimes(double smallSeconds, double largeSeconds, double smallMedian, double largeMedian) {
        /** Large over small, of the means: 1 when the step does not depend on the number of ID tokens. */
        public double ratio() {
            return largeSeconds / smallSeconds;
        }

        /** The same of the medians, which a busy moment of a shared machine moves less. */
        public double medianRatio() {
            return largeMedian / smallMedian;
        }
    }

    private BdlmBenchmark() {
    }

    /**
     * Median seconds to get the LLM's top-layer feature (and the Yes/No probability) of one
     * user's {@code candidates} interaction prompts, which share the user's history as a prefix
     * of {@code prefixTokens} and differ in a suffix of {@code suffixTokens} (the candidate and
     * the answer's lead), as BDLM-drs and GPT4SM need them: shared, the prefix runs once into a
     * KV cache and the suffixes as one batch ({@link PrefixScorer}); whole, every prompt runs in
     * full in one batch (the same scorer behind a one-token prefix). {@code tokenRatio} is what
     * sharing saves in tokens computed, whole over shared: the bound of the speed-up, which the
     * suffixes' attention over the whole prefix keeps it under.
     */
    public record PrefixTimes(double sharedSeconds, double wholeSeconds, double tokenRatio) {
        public double speedup() {
            return wholeSeconds / sharedSeconds;
        }
    }

    /** {@link PrefixTimes} on {@code model} with random weights, {@code reps} timed users after one warm-up. */
    public static PrefixTimes prefixScoring(LlamaConfig model, int prefixTokens, int suffixTokens, int candidates, int reps,
                                            long seed, NDManager parent) {
        if (prefixTokens < 2 || suffixTokens <= 0 || candidates <= 0 || reps <= 0) {
            throw new UsageException("prefixTokens must be >= 2 and the rest > 0, got " + prefixTokens + ", "
                    + suffixTokens + ", " + candidates + ", " + reps);
        }
        SplittableRandom r = new SplittableRandom(seed);
        int vocab = model.vocabSize();
        try (NDManager m = parent.newSubManager(); DecoderWeights w = DecoderWeights.random(model, seed, 0.02f, m)) {
            PrefixScorer scorer = new PrefixScorer(new Decoder(w, null), model.batchPadId());
            PrefixScorer.Request request = new PrefixScorer.Request(new int[] {4, 5}, true, false);
            double[] shared = new double[reps];
            double[] whole = new double[reps];
            for (int rep = -1; rep < reps; rep++) {
                int[] prefix = r.ints(prefixTokens, 3, vocab).toArray();
                List<int[]> suffixes = new ArrayList<>();
                List<int[]> full = new ArrayList<>();
                for (int c = 0; c < candidates; c++) {
                    int[] suffix = r.ints(suffixTokens, 3, vocab).toArray();
                    suffixes.add(suffix);
                    int[] f = Arrays.copyOfRange(prefix, 1, prefixTokens + suffixTokens);
                    System.arraycopy(suffix, 0, f, prefixTokens - 1, suffixTokens);
                    full.add(f);
                }
                long t0 = System.nanoTime();
                scorer.score(m, prefix, suffixes, request);
                long t1 = System.nanoTime();
                scorer.score(m, new int[] {prefix[0]}, full, request);
                long t2 = System.nanoTime();
                if (rep >= 0) {
                    shared[rep] = (t1 - t0) / 1e9;
                    whole[rep] = (t2 - t1) / 1e9;
                }
            }
            double tokenRatio = (double) candidates * (prefixTokens + suffixTokens)
                    / (prefixTokens + (double) candidates * suffixTokens);
            return new PrefixTimes(median(shared), median(whole), tokenRatio);
        }
    }

    /** The SFT step of {@code mode} with {@code s.smallIds()} and with {@code s.largeIds()} ID tokens. */
    public static StepTimes sftStep(Mode mode, Settings s, NDManager parent) {
        List<List<TrainBatch>> batches = batches(s);
        boolean before = mode == Mode.LORA_BEFORE || mode == Mode.FULL_BEFORE;
        int warmup = before ? Math.min(1, s.warmupSteps()) : s.warmupSteps();
        int steps = before ? s.beforeSteps() : s.steps();
        try (NDManager m = parent.newSubManager();
             Step small = new Step(mode, s, s.smallIds(), m);
             Step large = new Step(mode, s, s.largeIds(), m)) {
            for (int i = 0; i < warmup; i++) {
                small.run(batches.get(i % batches.size()));
                large.run(batches.get(i % batches.size()));
            }
            double[] smallTimes = new double[steps];
            double[] largeTimes = new double[steps];
            for (int i = 0; i < steps; i++) {
                List<TrainBatch> b = batches.get((warmup + i) % batches.size());
                smallTimes[i] = small.run(b);
                largeTimes[i] = large.run(b);
            }
            return new StepTimes(mean(smallTimes), mean(largeTimes), median(smallTimes), median(largeTimes));
        }
    }

    private static double mean(double[] a) {
        return Arrays.stream(a).average().orElseThrow();
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * The seeded batches of a run, each one micro-batch of {@code s.batch()} left-padded rows: a
     * prompt of text tokens with one user token and {@code idsPerPrompt − 1} item tokens at
     * random places, then the answer — a Yes or No token (even rows) or an item token (odd rows),
     * the only label. ID tokens are {@code vocab + k} for k below {@code s.smallIds()}: users the
     * first half, items the second.
     */
    static List<List<TrainBatch>> batches(Settings s) {
        SplittableRandom r = new SplittableRandom(s.seed());
        int vocab = s.model().vocabSize();
        int users = s.smallIds() / 2;
        int yes = vocab / 2;
        int no = yes + 1;
        List<List<TrainBatch>> out = new ArrayList<>();
        for (int k = 0; k < s.batches(); k++) {
            List<int[]> ids = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            for (int row = 0; row < s.batch(); row++) {
                int length = s.promptTokens() + r.nextInt(-s.promptTokens() / 10, s.promptTokens() / 10 + 1);
                int[] seq = new int[length + 1];
                for (int j = 0; j < length; j++) {
                    seq[j] = 4 + r.nextInt(vocab - 4);
                }
                int[] places = r.ints(0, length).distinct().limit(s.idsPerPrompt()).toArray();
                Arrays.sort(places);
                seq[places[0]] = vocab + r.nextInt(users);
                for (int i = 1; i < places.length; i++) {
                    seq[places[i]] = vocab + users + r.nextInt(s.smallIds() - users);
                }
                seq[length] = row % 2 == 0 ? (r.nextBoolean() ? yes : no) : vocab + users + r.nextInt(s.smallIds() - users);
                int[] lab = new int[length + 1];
                Arrays.fill(lab, -100);
                lab[length] = seq[length];
                ids.add(seq);
                labels.add(lab);
            }
            out.add(List.of(TrainBatch.leftPadded(ids, labels, 0)));
        }
        return out;
    }

    /** One model with its ID rows, trainable parameters, gradients and optimiser: a step is {@link #run}. */
    private static final class Step implements AutoCloseable {
        private final NDManager m;
        private final DecoderWeights weights;
        private final LoraAdapter adapter;
        private final ParameterSet params;
        private final CausalLmGradients gradients;
        private final AdamOptimizer optimizer;
        private final SftConfig sft = SftConfig.builder().build();

        Step(Mode mode, Settings s, int ids, NDManager parent) {
            this.m = parent.newSubManager();
            int vocab = s.model().vocabSize();
            int h = s.model().hiddenSize();
            SplittableRandom r = new SplittableRandom(s.seed() + 1);
            float[][] rows = new float[ids][h];
            for (float[] row : rows) {
                for (int j = 0; j < h; j++) {
                    row[j] = (float) (r.nextGaussian() * 0.02);
                }
            }
            try (DecoderWeights base = DecoderWeights.random(s.model(), s.seed(), 0.02f, m)) {
                weights = base.withTokenRows(vocab, rows, rows, m);
            }
            boolean lora = mode == Mode.LORA || mode == Mode.LORA_BEFORE;
            boolean before = mode == Mode.LORA_BEFORE || mode == Mode.FULL_BEFORE;
            adapter = lora ? LoraAdapter.create(weights, sft.loraConfig(""), s.seed(), m) : null;
            List<Parameter> p = new ArrayList<>();
            if (lora) {
                p.addAll(CausalLmGradients.loraParameters(adapter));
                if (before) {
                    p.add(Parameter.tensor("model.embed_tokens.weight", weights.get("model.embed_tokens.weight"), vocab));
                    if (!weights.config().tieWordEmbeddings()) {
                        p.add(Parameter.tensor("lm_head.weight", weights.get("lm_head.weight"), vocab));
                    }
                } else {
                    p.addAll(CausalLmGradients.tokenRowParameters(weights, vocab));
                }
            } else {
                p.addAll(before ? CausalLmGradients.allParameters(weights)
                        : CausalLmGradients.allParameters(weights, vocab));
            }
            params = new ParameterSet(p);
            gradients = new CausalLmGradients(new Decoder(weights, adapter, true), p,
                    before ? CausalLmGradients.Head.ALL_POSITIONS : CausalLmGradients.Head.LOSS_POSITIONS);
            TrainConfig tc = sft.trainConfig();
            optimizer = new AdamOptimizer(params, tc);
        }

        /** Seconds of one step over {@code micro}. */
        double run(List<TrainBatch> micro) {
            long t0 = System.nanoTime();
            params.zeroGrad();
            gradients.accumulate(m, micro);
            GradientClipping.clip(params, sft.clipNorm());
            optimizer.step(sft.learningRate());
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void close() {
            params.zeroGrad();
            optimizer.close();
            if (adapter != null) {
                adapter.close();
            }
            weights.close();
            m.close();
        }
    }
}
