package org.tandemrec.train;

import java.util.Locale;
import org.tandemrec.base.UsageException;

/**
 * Settings of one training run, shared by every model. Defaults live only in {@link #builder()}.
 *
 * @param epochs             passes over the training examples (> 0)
 * @param batchSize          examples per optimiser step (> 0)
 * @param learningRate       peak learning rate (> 0)
 * @param weightDecay        L2 penalty (Adam), decoupled decay (AdamW, lazy Adam) (>= 0)
 * @param optimizer          {@link OptimizerKind}
 * @param beta1              first-moment decay in [0, 1)
 * @param beta2              second-moment decay in [0, 1)
 * @param epsilon            denominator guard (> 0)
 * @param schedule           {@link ScheduleKind}
 * @param warmupSteps        linear warm-up steps (>= 0)
 * @param minLrRatio         floor of a decaying schedule as a fraction of the peak, in [0, 1]
 *                           ({@link LearningRateSchedule}); 0 decays to 0; must be 0 for CONSTANT
 * @param clipNorm           global gradient-norm bound; 0 disables clipping (>= 0)
 * @param skipNonFiniteSteps consecutive steps with a non-finite loss or gradient norm that are
 *                           skipped (no update; parameters and optimiser state stay as they were,
 *                           as mixed-precision trainers do) before the run fails; 0: the first fails
 * @param patience           epochs without improvement before stopping; 0 disables early stopping
 * @param metricDirection    whether the validation metric is better when larger or smaller
 * @param checkpointEvery    write a checkpoint every this many optimiser steps; 0: only at epoch ends
 * @param seed               the one seed every random choice of the run derives from
 * @param threads            worker threads for parallel kernels (> 0)
 */
public record TrainConfig(
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        OptimizerKind optimizer,
        double beta1,
        double beta2,
        double epsilon,
        ScheduleKind schedule,
        int warmupSteps,
        double minLrRatio,
        double clipNorm,
        int skipNonFiniteSteps,
        int patience,
        MetricDirection metricDirection,
        int checkpointEvery,
        long seed,
        int threads) {

    /** Which optimiser updates the parameters. */
    public enum OptimizerKind {
        /** PyTorch {@code Adam}: bias-corrected moments, weight decay added to the gradient. */
        ADAM,
        /** PyTorch {@code AdamW}: as Adam, weight decay decoupled from the gradient. */
        ADAMW,
        /** Row-sparse Adam on embedding tables (as PyTorch {@code SparseAdam}), AdamW elsewhere. */
        LAZY_ADAM;

        /** Parses {@code adam}, {@code adamw} or {@code lazy-adam}. */
        public static OptimizerKind parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "adam" -> ADAM;
                case "adamw" -> ADAMW;
                case "lazy-adam", "lazy_adam", "lazyadam" -> LAZY_ADAM;
                default -> throw new UsageException("optimizer must be adam, adamw or lazy-adam, got " + text);
            };
        }
    }

    /** How the learning rate moves over the run. */
    public enum ScheduleKind {
        /** Warm-up, then constant. */
        CONSTANT,
        /** Warm-up, then linear decay to 0 at the last step. */
        WARMUP_LINEAR,
        /** Warm-up, then half a cosine down to 0 at the last step. */
        COSINE;

        /** Parses {@code constant}, {@code warmup-linear} or {@code cosine}. */
        public static ScheduleKind parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "constant" -> CONSTANT;
                case "warmup-linear", "warmup_linear", "linear" -> WARMUP_LINEAR;
                case "cosine" -> COSINE;
                default -> throw new UsageException("schedule must be constant, warmup-linear or cosine, got " + text);
            };
        }
    }

    /** Whether a larger or a smaller validation metric is better. */
    public enum MetricDirection {
        MAXIMIZE, MINIMIZE;

        /** True when {@code candidate} is strictly better than {@code best}. */
        public boolean better(double candidate, double best) {
            return this == MAXIMIZE ? candidate > best : candidate < best;
        }

        public double worst() {
            return this == MAXIMIZE ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
    }

    public TrainConfig {
        positive("epochs", epochs);
        positive("batch_size", batchSize);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new UsageException("learning_rate must be > 0 and finite, got " + learningRate);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new UsageException("weight_decay must be >= 0 and finite, got " + weightDecay);
        }
        if (optimizer == null) {
            throw new UsageException("optimizer must be set (adam, adamw or lazy-adam)");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new UsageException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new UsageException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new UsageException("epsilon must be > 0, got " + epsilon);
        }
        if (schedule == null) {
            throw new UsageException("schedule must be set (constant, warmup-linear or cosine)");
        }
        if (warmupSteps < 0) {
            throw new UsageException("warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new UsageException("min_lr_ratio must be in [0, 1], got " + minLrRatio);
        }
        if (minLrRatio > 0 && schedule == ScheduleKind.CONSTANT) {
            throw new UsageException("min_lr_ratio applies to a decaying schedule (warmup-linear or cosine), got "
                    + minLrRatio + " with a constant schedule");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new UsageException("clip_norm must be >= 0 and finite (0 disables clipping), got " + clipNorm);
        }
        if (skipNonFiniteSteps < 0) {
            throw new UsageException("skip_non_finite_steps must be >= 0 (0: the first non-finite step fails), got "
                    + skipNonFiniteSteps);
        }
        if (patience < 0) {
            throw new UsageException("patience must be >= 0 (0 disables early stopping), got " + patience);
        }
        if (metricDirection == null) {
            throw new UsageException("metric_direction must be set (maximize or minimize)");
        }
        if (checkpointEvery < 0) {
            throw new UsageException("checkpoint_every must be >= 0 (0: only at epoch ends), got " + checkpointEvery);
        }
        positive("threads", threads);
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new UsageException(field + " must be > 0, got " + value);
        }
    }

    /** The settings that change the trajectory of a run; resuming refuses a checkpoint whose fingerprint differs. */
    String trajectoryFingerprint() {
        // epochs, checkpointEvery and threads may change between a run and its resumption
        // without changing any step already taken (kernels are deterministic in thread count).
        // Settings added later enter only when set, so checkpoints of earlier runs still resume.
        return String.format(Locale.ROOT, "b=%d lr=%s wd=%s opt=%s b1=%s b2=%s eps=%s sch=%s warm=%d clip=%s pat=%d dir=%s seed=%d",
                batchSize, learningRate, weightDecay, optimizer, beta1, beta2, epsilon, schedule, warmupSteps,
                clipNorm, patience, metricDirection, seed)
                + (minLrRatio != 0 ? " minlr=" + minLrRatio : "")
                + (skipNonFiniteSteps != 0 ? " skip=" + skipNonFiniteSteps : "");
    }

    /** A builder holding the defaults: 10 epochs, batch 1024, lr 1e-3, Adam, constant schedule, seed 42, 2 threads. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.optimizer = optimizer;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.schedule = schedule;
        b.warmupSteps = warmupSteps;
        b.minLrRatio = minLrRatio;
        b.clipNorm = clipNorm;
        b.skipNonFiniteSteps = skipNonFiniteSteps;
        b.patience = patience;
        b.metricDirection = metricDirection;
        b.checkpointEvery = checkpointEvery;
        b.seed = seed;
        b.threads = threads;
        return b;
    }

    /** Mutable companion of {@link TrainConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 1024;
        private double learningRate = 1e-3;
        private double weightDecay = 0;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private ScheduleKind schedule = ScheduleKind.CONSTANT;
        private int warmupSteps = 0;
        private double minLrRatio = 0;
        private double clipNorm = 0;
        private int skipNonFiniteSteps = 0;
        private int patience = 0;
        private MetricDirection metricDirection = MetricDirection.MAXIMIZE;
        private int checkpointEvery = 0;
        private long seed = 42;
        private int threads = 2;

        private Builder() {
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder optimizer(OptimizerKind v) { optimizer = v; return this; }
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder schedule(ScheduleKind v) { schedule = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder minLrRatio(double v) { minLrRatio = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder skipNonFiniteSteps(int v) { skipNonFiniteSteps = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder metricDirection(MetricDirection v) { metricDirection = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder threads(int v) { threads = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, learningRate, weightDecay, optimizer, beta1, beta2, epsilon,
                    schedule, warmupSteps, minLrRatio, clipNorm, skipNonFiniteSteps, patience, metricDirection,
                    checkpointEvery, seed, threads);
        }
    }
}
