package org.tandemrec.llm.pretrain;

import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.tokenizer.BpeTrainer;
import org.tandemrec.train.TrainConfig;

/**
 * Settings of training a small Llama-architecture model from scratch: the architecture (H
 * {@code hidden}, L {@code layers}, N {@code heads}, K {@code kvHeads}, I {@code intermediate},
 * {@code context} tokens, a byte-level BPE vocabulary of {@code vocabSize} learned on the
 * corpus, LM head tied to the embeddings), and the optimisation ({@link #trainConfig}): batches
 * of {@code batchSize} random windows of the token stream, AdamW (β 0.9/0.95, ε 1e-8, decay
 * {@code weightDecay}) at peak {@code lr} with {@code warmupSteps} of warm-up and cosine decay to
 * {@code lr · 0.1}, clipping at {@code maxGradNorm} (0: off), a checkpoint every {@code
 * checkpointEvery} steps.
 *
 * <p>The run's length: {@code steps} optimiser steps (the schedule's length), so one seed gives
 * the same model on every run. {@code minutes} > 0 adds a wall-time budget: the run also stops
 * at that deadline, and with {@code steps} = 0 the step count is planned from a timed estimate
 * to fit the budget. One of the two must be set.
 */
public record PretrainConfig(int hidden, int layers, int heads, int kvHeads, int intermediate, int context, int vocabSize,
                             int batchSize, float lr, float weightDecay, int warmupSteps, float maxGradNorm, int steps,
                             double minutes, int checkpointEvery, long seed) {
    /** The floor of the cosine decay as a fraction of the peak rate. */
    public static final double MIN_LR_RATIO = 0.1;
    /** Consecutive steps with a non-finite loss or gradient that are skipped; the next one ends training as diverged. */
    static final int SKIPPED_IN_A_ROW = 9;
    /** The demo model's step count: about the 1.5 minutes the demo gives its LLM on two cores. */
    public static final int DEMO_STEPS = 200;

    public PretrainConfig {
        positive("hidden", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("intermediate", intermediate);
        positive("batchSize", batchSize);
        if (context < 8) {
            throw new UsageException("context must be >= 8, got " + context);
        }
        if (hidden % heads != 0) {
            throw new UsageException("hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
        }
        if (steps < 0) {
            throw new UsageException("steps must be >= 0 (0: planned from minutes), got " + steps);
        }
        if (!(minutes >= 0) || Double.isInfinite(minutes)) {
            throw new UsageException("minutes must be >= 0 and finite (0: no time budget), got " + minutes);
        }
        if (steps == 0 && minutes == 0) {
            throw new UsageException("steps or minutes must be > 0 (one must bound the training)");
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new UsageException("lr must be > 0 and finite, got " + lr);
        }
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new UsageException("weightDecay must be >= 0 and finite, got " + weightDecay);
        }
        if (warmupSteps < 0) {
            throw new UsageException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (!(maxGradNorm >= 0) || Float.isInfinite(maxGradNorm)) {
            throw new UsageException("maxGradNorm must be >= 0 and finite (0: off), got " + maxGradNorm);
        }
        if (checkpointEvery < 0) {
            throw new UsageException("checkpointEvery must be >= 0 (0: at the end only), got " + checkpointEvery);
        }
        new BpeTrainer(vocabSize, 2); // validates vocabSize
        llama(vocabSize, hidden, layers, heads, kvHeads, intermediate, context); // validates the architecture
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new UsageException(field + " must be > 0, got " + v);
        }
    }

    /**
     * The demo model: H 256, L 4, N 4, K 2 (head dimension 64), I 1024, context 128, vocabulary
     * 3000, batch 8 × 128 tokens, lr 3e-3; {@value #DEMO_STEPS} steps, a checkpoint every 100. At
     * H 192 the element-wise work around the narrower matmuls held training below 60 % of the
     * matmul peak.
     */
    public static PretrainConfig demo(long seed) {
        return new PretrainConfig(256, 4, 4, 2, 1024, 128, 3000, 8, 3e-3f, 0.01f, 20, 1f, DEMO_STEPS, 0, 100, seed);
    }

    /** The same settings with checkpoints every {@code steps} optimiser steps (0: at the end only). */
    public PretrainConfig withCheckpointEvery(int steps) {
        return new PretrainConfig(hidden, layers, heads, kvHeads, intermediate, context, vocabSize, batchSize, lr, weightDecay,
                warmupSteps, maxGradNorm, this.steps, minutes, steps, seed);
    }

    /** The same settings with another step count and time budget. */
    public PretrainConfig withBudget(int newSteps, double newMinutes) {
        return new PretrainConfig(hidden, layers, heads, kvHeads, intermediate, context, vocabSize, batchSize, lr, weightDecay,
                warmupSteps, maxGradNorm, newSteps, newMinutes, checkpointEvery, seed);
    }

    /** The same model and tokens per step with another context length: batch × context stays about the same. */
    public PretrainConfig withContext(int newContext) {
        int newBatch = Math.max(1, Math.round((float) batchSize * context / newContext));
        return new PretrainConfig(hidden, layers, heads, kvHeads, intermediate, newContext, vocabSize, newBatch, lr,
                weightDecay, warmupSteps, maxGradNorm, steps, minutes, checkpointEvery, seed);
    }

    /** The architecture for a tokenizer of {@code actualVocab} ids. */
    public LlamaConfig llamaConfig(int actualVocab) {
        return llama(actualVocab, hidden, layers, heads, kvHeads, intermediate, context);
    }

    private static LlamaConfig llama(int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate, int context) {
        return new LlamaConfig("llama", hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-5,
                RopeScaling.plain(10000), false, true, vocab, BpeTrainer.BOS, BpeTrainer.EOS, BpeTrainer.PAD, context);
    }

    /**
     * The trainer's settings for a run of {@code totalSteps} steps: one epoch of {@code
     * totalSteps} batches of {@code batchSize} windows ({@link PretrainTask}), AdamW, warm-up of
     * {@code warmupSteps} but at most a fifth of the run (a short run still decays), cosine down
     * to {@value #MIN_LR_RATIO} of the peak, non-finite steps skipped up to {@value #SKIPPED_IN_A_ROW}
     * in a row.
     */
    public TrainConfig trainConfig(int totalSteps) {
        if (totalSteps <= 0) {
            throw new UsageException("totalSteps must be > 0, got " + totalSteps);
        }
        int warmup = Math.min(warmupSteps, Math.max(1, totalSteps / 5));
        return TrainConfig.builder().epochs(1).batchSize(batchSize).learningRate(lr).weightDecay(weightDecay)
                .optimizer(TrainConfig.OptimizerKind.ADAMW).betas(0.9, 0.95).epsilon(1e-8)
                .schedule(TrainConfig.ScheduleKind.COSINE).warmupSteps(warmup).minLrRatio(MIN_LR_RATIO)
                .clipNorm(maxGradNorm).skipNonFiniteSteps(SKIPPED_IN_A_ROW).checkpointEvery(checkpointEvery)
                .seed(seed).threads(1).build();
    }
}
