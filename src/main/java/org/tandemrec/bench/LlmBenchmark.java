package org.tandemrec.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.ChoiceScorer;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.KvCache;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.train.AdamOptimizer;
import org.tandemrec.train.GradientClipping;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.llm.pretrain.PretrainConfig;

/**
 * The LLM figures of {@code tandem bench llm} for one model (random weights of a configuration,
 * or a checkpoint's weights): full training, LoRA training (r 8, alpha 16 on q and v, frozen
 * base: the step BDLM and CoReLLa take most), prefill, cached versus recomputing decoding, and
 * Yes/No scoring throughput, each the best of a few timed repetitions after a warm-up.
 * Utilisation (MFU) relates a throughput to the matmul peak P measured at the same thread count,
 * with the FLOPs per token counted as {@code peer_bench.py} counts them so both sides' achieved
 * GFLOP/s compare: N the non-embedding parameters (the LM head included), L layers, T tokens, d
 * the hidden size; training 6N + 6LTd, LoRA 4N + 6LTd (no weight gradients of the base), prefill
 * 2N + 2LTd (Kaplan et al. 2020, §2.1, with the causal half of the attention term).
 */
public final class LlmBenchmark {
    /**
     * Sizes of one run: training batch × sequence and timed steps (the fastest counts; 0 skips
     * training), prefill batch × sequence, decoding prefix and new tokens, timed repetitions of
     * the other figures (the fastest counts) and the seed of weights and token ids.
     */
    public record Settings(int trainBatch, int trainSeq, int trainSteps, boolean lora, int prefillBatch, int prefillSeq,
                           int prefix, int newTokens, int reps, long seed) {
        public Settings {
            for (int v : new int[] {trainBatch, trainSeq, prefillBatch, prefillSeq, prefix, newTokens, reps}) {
                if (v <= 0) {
                    throw new UsageException("benchmark sizes must be > 0, got " + v);
                }
            }
            if (trainSteps < 0) {
                throw new UsageException("trainSteps must be >= 0 (0 skips training), got " + trainSteps);
            }
        }

        /**
         * The demo model's sizes: training 8 × 128 (reps + 2 steps, full and LoRA), prefill 8 ×
         * 128, 32 tokens decoded after 256.
         */
        public static Settings demo(int reps) {
            return new Settings(8, 128, reps + 2, true, 8, 128, 256, 32, reps, 1);
        }

        /**
         * The ~125M model's sizes, the peer's: training and LoRA training 4 × 256 (3 steps, or
         * none), prefill 4 × 256, 16 tokens decoded after 256.
         */
        public static Settings large(int reps, boolean train) {
            return new Settings(4, 256, train ? 3 : 0, train, 4, 256, 256, 16, reps, 1);
        }

        /**
         * These sizes within a context of {@code maxPositions} tokens (sequences shortened,
         * decoding at most half the context after the rest), training skipped unless {@code train}.
         */
        public Settings fitting(int maxPositions, boolean train) {
            int decoded = Math.min(newTokens, Math.max(1, maxPositions / 2));
            return new Settings(trainBatch, Math.min(trainSeq, maxPositions), train ? trainSteps : 0, train && lora,
                    prefillBatch,
                    Math.min(prefillSeq, maxPositions), Math.min(prefix, maxPositions - decoded), decoded, reps, seed);
        }
    }

    /** The demo model of {@code tandem llm pretrain}, with room for a 256-token decoding context. */
    public static LlamaConfig demoModel() {
        PretrainConfig p = PretrainConfig.demo(1);
        LlamaConfig c = p.llamaConfig(p.vocabSize());
        return new LlamaConfig(c.modelType(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(),
                c.numKvHeads(), c.headDim(), c.rmsNormEps(), c.rope(), false, true, c.vocabSize(), c.bosTokenId(),
                c.eosTokenId(), c.padTokenId(), 2048);
    }

    /**
     * The peer's ~125M decoder: H 768, L 12, N 12, K 4, I 2048, V 32000, untied LM head (its
     * figures keep the {@code _100m} suffix of earlier runs).
     */
    public static LlamaConfig model100m() {
        return new LlamaConfig("llama", 768, 2048, 12, 12, 4, 64, 1e-5, RopeScaling.plain(10000), false, false, 32000,
                1, 2, 3, 2048);
    }

    /** Parameters that take part in matrix products: all but the input embedding table. */
    static long nonEmbeddingParameters(LlamaConfig c) {
        return c.parameterCount() - (c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * c.hiddenSize());
    }

    /**
     * Throughputs of one model. {@code trainTokensPerSecond} is NaN when training was skipped.
     * Decoding times are per new token at a {@code prefix}-token context, both with the LM head on
     * the last position only, so that they differ by the cache alone. Prefill is the full forward
     * (logits at every position, as pre-training needs them), its GFLOP/s by an explicit count
     * ({@link ForwardBenchmark}); Yes/No scoring needs only the last position.
     */
    public record Figures(long parameters, long nonEmbedding, int layers, int hidden, int trainSeq, int prefillSeq,
                          double trainTokensPerSecond, double loraTrainTokensPerSecond, double prefillTokensPerSecond,
                          double prefillGflops, double decodeFullSecondsPerToken, double decodeCachedSecondsPerToken,
                          double yesNoPromptsPerSecond, double prefillPromptsPerSecond) {
        public double trainMfu(double peakGflops) {
            return trainTokensPerSecond * (6.0 * nonEmbedding + 6.0 * layers * trainSeq * hidden) / (peakGflops * 1e9);
        }

        public double loraTrainMfu(double peakGflops) {
            return loraTrainTokensPerSecond * (4.0 * nonEmbedding + 6.0 * layers * trainSeq * hidden) / (peakGflops * 1e9);
        }

        public double prefillMfu(double peakGflops) {
            return prefillTokensPerSecond * (2.0 * nonEmbedding + 2.0 * layers * prefillSeq * hidden) / (peakGflops * 1e9);
        }

        /** Per-token time recomputing the whole prefix over per-token time with the KV cache. */
        public double decodeSpeedup() {
            return decodeFullSecondsPerToken / decodeCachedSecondsPerToken;
        }

        /** Yes/No scoring throughput over plain prefill throughput of the same batch. */
        public double yesNoVsPrefill() {
            return yesNoPromptsPerSecond / prefillPromptsPerSecond;
        }
    }

    private LlmBenchmark() {
    }

    /** Best GFLOP/s of square float32 products of sides 1024, 1536 and 2048. */
    public static double peakGflops(NDManager m, int reps) {
        double best = 0;
        for (int n : new int[] {1024, 1536, 2048}) {
            best = Math.max(best, ForwardBenchmark.matmulGflops(m, n, reps));
        }
        return best;
    }

    /** Measures {@code config} with seeded random weights. */
    public static Figures run(LlamaConfig config, Settings s, NDManager parent) {
        try (NDManager m = parent.newSubManager(); DecoderWeights w = DecoderWeights.random(config, s.seed(), 0.02f, m)) {
            return run(w, s, m);
        }
    }

    /**
     * Measures the model of {@code w}; intermediates are attached to {@code m}. Training (when
     * {@code s.trainSteps()} > 0) updates the weights in place, so they must be writable (not a
     * memory-mapped checkpoint).
     */
    public static Figures run(DecoderWeights w, Settings s, NDManager m) {
        LlamaConfig config = w.config();
        Decoder d = new Decoder(w, null);
        SplittableRandom rnd = new SplittableRandom(s.seed());
        double train = s.trainSteps() == 0 ? Double.NaN : trainTokensPerSecond(w, null, s, rnd, m);
        double lora = Double.NaN;
        if (s.trainSteps() > 0 && s.lora()) {
            try (NDManager lm = m.newSubManager(); LoraAdapter adapter = LoraAdapter.create(w, LoraConfig.attention(8, 16, 0,
                    ""), s.seed(), lm)) {
                lora = trainTokensPerSecond(w, adapter, s, rnd, lm);
            }
        }
        ForwardBenchmark.Result pre = ForwardBenchmark.run(d, s.prefillBatch(), s.prefillSeq(), s.reps(), s.seed(), m);
        int[][] prompts = randomIds(rnd, s.prefillBatch(), s.prefillSeq(), config.vocabSize());
        ChoiceScorer scorer = new ChoiceScorer(d, 0);
        double yesNo = Double.MAX_VALUE;
        for (int r = 0; r <= s.reps(); r++) {
            long t0 = System.nanoTime();
            scorer.yesProbability(m, prompts, 1, 2);
            if (r > 0) {
                yesNo = Math.min(yesNo, (System.nanoTime() - t0) / 1e9);
            }
        }
        double[] decode = decodeSecondsPerToken(d, s, rnd, m);
        return new Figures(config.parameterCount(), nonEmbeddingParameters(config), config.numLayers(),
                config.hiddenSize(), s.trainSeq(), s.prefillSeq(), train, lora, pre.tokensPerSecond(), pre.forwardGflops(), decode[0],
                decode[1], s.prefillBatch() / yesNo, s.prefillBatch() / pre.forwardSeconds());
    }

    /**
     * One training step is what {@link org.tandemrec.train.Trainer} does per step of pre-training
     * or fine-tuning: release the last gradients, forward + backward into the trained parameters'
     * gradients (every weight, or the adapter's A and B over the frozen base), global-norm
     * clipping at 1, one AdamW update.
     */
    private static double trainTokensPerSecond(DecoderWeights w, LoraAdapter adapter, Settings s, SplittableRandom rnd,
                                               NDManager m) {
        try (TrainingStep step = new TrainingStep(w, adapter, s, rnd)) {
            double best = Double.MAX_VALUE;
            for (int i = 0; i <= s.trainSteps(); i++) { // step 0 warms up
                double[] phases = step.run(m);
                if (i > 0) {
                    best = Math.min(best, phases[4]);
                }
            }
            return (double) s.trainBatch() * s.trainSeq() / best;
        }
    }

    /**
     * Where one training step's time goes (see {@link StepProfile}). The phases are those of the
     * fastest of {@code s.trainSteps()} timed steps after a warm-up; one more step then runs
     * under the engine's profiler, which writes its trace to {@code trace}.
     */
    public static StepProfile profileTrainingStep(DecoderWeights w, boolean lora, Settings s, Path trace, NDManager m) {
        if (s.trainSteps() <= 0) {
            throw new UsageException("profiling a training step needs trainSteps > 0, got " + s.trainSteps());
        }
        SplittableRandom rnd = new SplittableRandom(s.seed());
        try (NDManager lm = m.newSubManager();
             LoraAdapter adapter = lora ? LoraAdapter.create(w, LoraConfig.attention(8, 16, 0, ""), s.seed(), lm) : null;
             TrainingStep step = new TrainingStep(w, adapter, s, rnd)) {
            double[] best = null;
            for (int i = 0; i <= s.trainSteps(); i++) {
                double[] phases = step.run(lm);
                if (i > 0 && (best == null || phases[4] < best[4])) {
                    best = phases;
                }
            }
            double[] profiled;
            JniUtils.startProfile(false, false, false);
            try {
                profiled = step.run(lm);
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return new StepProfile(lora, s.trainBatch() * s.trainSeq(), best[4], best[0], best[1], best[2], best[3],
                    profiled[4], OperatorProfile.read(trace));
        }
    }

    /**
     * Where one prefill pass's time goes: the forward pass of {@link ForwardBenchmark} (no cache,
     * logits at every position) over {@code s.prefillBatch()} × {@code s.prefillSeq()} random
     * ids, the fastest of {@code s.reps()} timed passes after a warm-up, then one more under the
     * engine's profiler, which writes its trace to {@code trace}.
     */
    public static PrefillProfile profilePrefill(DecoderWeights w, Settings s, Path trace, NDManager m) {
        Decoder d = new Decoder(w, null);
        ForwardBenchmark.Result timed = ForwardBenchmark.run(d, s.prefillBatch(), s.prefillSeq(), s.reps(), s.seed(), m);
        ForwardBenchmark.Result profiled;
        JniUtils.startProfile(false, false, false);
        try {
            profiled = ForwardBenchmark.run(d, s.prefillBatch(), s.prefillSeq(), 1, s.seed(), m);
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        return new PrefillProfile(s.prefillBatch() * s.prefillSeq(), timed.forwardSeconds(), OperatorProfile.read(trace),
                profiled.forwardSeconds());
    }

    /**
     * A prefill pass's best wall time and the engine's operators over the profiled passes (a
     * warm-up and a timed one: divide by two for one pass).
     */
    public record PrefillProfile(int tokens, double seconds, OperatorProfile operators, double profiledSeconds) {
    }

    /**
     * One training step's wall time and its phases, in seconds: releasing the last gradients,
     * forward + backward, clipping, the optimiser's update; and the profiled step's wall time and
     * the engine's operators in it (what the step holds beyond the engine's time is Java's, and the
     * profiler's own cost).
     */
    public record StepProfile(boolean lora, int tokens, double seconds, double zeroGradSeconds,
                              double forwardBackwardSeconds, double clipSeconds, double optimizerSeconds,
                              double profiledSeconds, OperatorProfile operators) {
    }

    /** The parts of one training step over a fixed batch of random ids (see {@link #trainTokensPerSecond}). */
    private static final class TrainingStep implements AutoCloseable {
        private final TrainBatch batch;
        private final ParameterSet params;
        private final CausalLmGradients gradients;
        private final AdamOptimizer optimizer;

        TrainingStep(DecoderWeights w, LoraAdapter adapter, Settings s, SplittableRandom rnd) {
            int[][] ids = randomIds(rnd, s.trainBatch(), s.trainSeq(), w.config().vocabSize());
            batch = TrainBatch.leftPadded(List.of(ids), List.of(ids), 0);
            params = new ParameterSet(adapter == null ? CausalLmGradients.allParameters(w)
                    : CausalLmGradients.loraParameters(adapter));
            gradients = new CausalLmGradients(new Decoder(w, adapter), params.list());
            TrainConfig adamW = TrainConfig.builder().optimizer(TrainConfig.OptimizerKind.ADAMW).learningRate(1e-4)
                    .betas(0.9, 0.95).epsilon(1e-8).weightDecay(0.01).build();
            optimizer = new AdamOptimizer(params, adamW);
        }

        /** Seconds of {zero grad, forward + backward, clip, optimiser, whole step}. */
        double[] run(NDManager m) {
            long t0 = System.nanoTime();
            params.zeroGrad();
            long t1 = System.nanoTime();
            gradients.accumulate(m, List.of(batch));
            long t2 = System.nanoTime();
            GradientClipping.clip(params, 1);
            long t3 = System.nanoTime();
            optimizer.step(1e-4);
            long t4 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9, (t4 - t0) / 1e9};
        }

        @Override
        public void close() {
            try {
                optimizer.close();
            } finally {
                params.zeroGrad();
            }
        }
    }

    /** [full recompute, cached] seconds per new token after a {@code prefix}-token context (batch 1). */
    private static double[] decodeSecondsPerToken(Decoder d, Settings s, SplittableRandom rnd, NDManager m) {
        int vocab = d.config().vocabSize();
        int[] prompt = randomIds(rnd, 1, s.prefix(), vocab)[0];
        double full = Double.MAX_VALUE;
        for (int r = 0; r <= s.reps(); r++) {
            try (NDManager sm = m.newSubManager()) {
                long t0 = System.nanoTime();
                d.forwardLastPosition(sm, new int[][] {prompt}, new int[][] {Decoder.filled(s.prefix(), 1)},
                        new int[][] {Decoder.range(s.prefix(), 0)}, null).logits().getFloat(0, 0, 0);
                if (r > 0) {
                    full = Math.min(full, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        double cached = Double.MAX_VALUE;
        for (int r = 0; r <= s.reps(); r++) {
            try (NDManager sm = m.newSubManager(); KvCache cache = new KvCache(sm, d.config().numLayers())) {
                d.forward(sm, new int[][] {prompt}, new int[][] {Decoder.filled(s.prefix(), 1)},
                        new int[][] {Decoder.range(s.prefix(), 0)}, cache, false);
                long t0 = System.nanoTime();
                for (int i = 0; i < s.newTokens(); i++) {
                    try (NDManager step = sm.newSubManager()) {
                        d.forwardLastPosition(step, new int[][] {{rnd.nextInt(vocab)}}, new int[][] {{1}},
                                new int[][] {{s.prefix() + i}}, cache).logits().getFloat(0, 0, 0);
                    }
                }
                if (r > 0) {
                    cached = Math.min(cached, (System.nanoTime() - t0) / 1e9 / s.newTokens());
                }
            }
        }
        return new double[] {full, cached};
    }

    private static int[][] randomIds(SplittableRandom rnd, int b, int t, int vocab) {
        int[][] ids = new int[b][t];
        for (int[] row : ids) {
            for (int j = 0; j < t; j++) {
                row[j] = rnd.nextInt(vocab);
            }
        }
        return ids;
    }
}
