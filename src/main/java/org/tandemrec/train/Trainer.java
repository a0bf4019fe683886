package org.tandemrec.train;

import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.tandemrec.base.Progress;
import org.tandemrec.base.UsageException;

/**
 * The one training loop of every model: per-epoch seeded shuffling, mini-batches, gradient
 * clipping, the learning-rate schedule, Adam, validation with early stopping (the best
 * parameters are restored at the end), atomic resumable {@link Checkpoint}s, and an optional
 * {@link TrainHooks.StopCondition} that ends a run cleanly after any step. Parameters may be
 * Java arrays or native tensors ({@link Parameter.Kind}); the optimiser's native state is freed
 * when {@link #fit} returns, and so are the tensor parameters' gradients.
 *
 * <p>A step whose loss (or, when it is computed — with clipping or skipping on — gradient norm)
 * is not finite fails the run, unless {@link TrainConfig#skipNonFiniteSteps()} allows skipping
 * it: then nothing is updated, the step still counts (the schedule moves on) and its loss is
 * recorded as it was.
 *
 * <p>Random streams: epoch e's permutation comes from {@code SplittableRandom(mix(seed, e))},
 * step s's batch sampling from {@code SplittableRandom(mix(seed, s))}; both are recomputable
 * from the counters, which makes a resumed run replay the uninterrupted one exactly.
 */
public final class Trainer {
    private static final long SHUFFLE_STREAM = 0x5DEECE66DL;
    private static final long STEP_STREAM = 0x9E3779B97F4A7C15L;

    private final TrainConfig config;

    public Trainer(TrainConfig config) {
        this.config = config;
    }

    public TrainConfig config() {
        return config;
    }

    /** Trains {@code task}'s parameters in place. */
    public TrainResult fit(TrainingTask task, TrainHooks hooks) {
        ParameterSet params = task.parameters();
        try (AdamOptimizer optimizer = new AdamOptimizer(params, config)) {
            return fit(task, hooks, params, optimizer);
        } finally {
            params.zeroGrad();
        }
    }

    private TrainResult fit(TrainingTask task, TrainHooks hooks, ParameterSet params, AdamOptimizer optimizer) {
        int n = task.numExamples();
        if (n <= 0) {
            throw new UsageException("model " + task.modelName() + " has no training examples");
        }
        int batchesPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) batchesPerEpoch * config.epochs();
        LearningRateSchedule schedule = LearningRateSchedule.of(config, totalSteps);
        String hash = Checkpoint.configHash(task, config);
        boolean validating = hooks.validation() != null;
        TrainConfig.MetricDirection direction = config.metricDirection();

        int epoch = 0;
        int nextBatch = 0;
        long step = 0;
        double bestMetric = direction.worst();
        int bestEpoch = -1;
        int sinceBest = 0;
        List<float[]> best = null;
        double resumedLoss = 0;
        int resumedBatches = 0;
        if (hooks.resume() && Files.exists(hooks.checkpoint())) {
            Checkpoint.Loaded c = Checkpoint.read(hooks.checkpoint(), task, hash);
            params.restore(c.values());
            optimizer.restoreState(c.optimizerStep(), c.parameterSteps(), c.first(), c.second(), c.rowSteps());
            Checkpoint.Position p = c.position();
            epoch = p.epoch();
            nextBatch = p.nextBatch();
            step = p.globalStep();
            bestMetric = p.bestMetric();
            bestEpoch = p.bestEpoch();
            sinceBest = p.epochsWithoutImprovement();
            resumedLoss = p.epochLoss();
            resumedBatches = p.epochBatches();
            best = c.best();
        }
        long firstStep = step;
        float[] losses = new float[(int) Math.max(0, totalSteps - step)];
        double[] metrics = new double[Math.max(0, config.epochs() - epoch)];
        int lossCount = 0;
        int metricCount = 0;
        int skipped = 0;
        int nonFiniteInARow = 0;
        boolean stopped = false;
        boolean stopRequested = false;
        int[] batch = new int[config.batchSize()];
        try (Progress progress = hooks.showProgress()
                ? Progress.start("train " + task.modelName(), totalSteps)
                : Progress.quiet("train " + task.modelName(), totalSteps)) {
            progress.step(step);
            for (; epoch < config.epochs() && !stopped && !stopRequested; epoch++) {
                int[] order = permutation(n, new SplittableRandom(mix(config.seed() ^ SHUFFLE_STREAM, epoch)));
                // Resumed mid-epoch, the batches before the checkpoint count towards the epoch's mean.
                double epochLoss = resumedLoss;
                int epochBatches = resumedBatches;
                resumedLoss = 0;
                resumedBatches = 0;
                for (int b = nextBatch; b < batchesPerEpoch && !stopRequested; b++) {
                    int from = b * config.batchSize();
                    int size = Math.min(config.batchSize(), n - from);
                    int[] ids = size == batch.length ? batch : new int[size];
                    System.arraycopy(order, from, ids, 0, size);
                    params.zeroGrad();
                    double loss = task.trainBatch(ids, step, new SplittableRandom(mix(config.seed() ^ STEP_STREAM, step)));
                    double norm = config.clipNorm() > 0 ? GradientClipping.clip(params, config.clipNorm())
                            : config.skipNonFiniteSteps() > 0 ? GradientClipping.norm(params) : 0;
                    if (Double.isFinite(loss) && Double.isFinite(norm)) {
                        nonFiniteInARow = 0;
                        Set<Parameter> trained = task.trainedAt(step);
                        optimizer.step(schedule.at(step), trained == null ? null : trained::contains,
                                task::learningRateScale);
                        epochLoss += loss;
                        epochBatches++;
                    } else if (++nonFiniteInARow > config.skipNonFiniteSteps()) {
                        throw nonFinite(task, loss, norm, step, epoch, nonFiniteInARow);
                    } else {
                        skipped++;
                    }
                    step++;
                    losses[lossCount++] = (float) loss;
                    progress.setExtra(String.format(Locale.ROOT, "epoch %d loss %.4f", epoch, epochLoss / epochBatches));
                    progress.step(1);
                    stopRequested = hooks.stop() != null && hooks.stop().shouldStop(step) && step < totalSteps;
                    boolean due = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
                    if (hooks.checkpoint() != null && (due || stopRequested)) {
                        Checkpoint.write(hooks.checkpoint(), task, hash, new Checkpoint.Position(config.seed(), epoch,
                                b + 1, step, bestMetric, bestEpoch, sinceBest, epochLoss, epochBatches), optimizer, best);
                    }
                }
                if (stopRequested) {
                    break; // the epoch is unfinished: no validation, and the checkpoint above records where it stopped
                }
                nextBatch = 0;
                double metric = Double.NaN;
                if (validating) {
                    metric = hooks.validation().evaluate(epoch);
                    metrics[metricCount++] = metric;
                    if (Double.isNaN(metric)) {
                        // Almost always a step size too large for the data: the user's setting to change.
                        throw new UsageException("model " + task.modelName() + ": validation metric is NaN after epoch "
                                + epoch + " (the training diverged; a lower learning rate may help)");
                    }
                    if (direction.better(metric, bestMetric)) {
                        bestMetric = metric;
                        bestEpoch = epoch;
                        sinceBest = 0;
                        best = params.snapshot();
                    } else {
                        sinceBest++;
                        stopped = config.patience() > 0 && sinceBest >= config.patience();
                    }
                }
                if (hooks.epochs() != null) {
                    hooks.epochs().epochEnd(epoch, epochBatches > 0 ? epochLoss / epochBatches : Double.NaN, metric);
                }
                if (hooks.checkpoint() != null) {
                    // An early-stopped run is recorded as finished so that resuming does not train on.
                    int nextEpoch = stopped ? config.epochs() : epoch + 1;
                    Checkpoint.write(hooks.checkpoint(), task, hash, new Checkpoint.Position(config.seed(), nextEpoch,
                            0, step, bestMetric, bestEpoch, sinceBest, 0, 0), optimizer, best);
                }
            }
        }
        if (best != null) {
            params.restore(best);
        }
        return new TrainResult(firstStep, java.util.Arrays.copyOf(losses, lossCount),
                java.util.Arrays.copyOf(metrics, metricCount), validating ? bestMetric : Double.NaN,
                bestEpoch, stopped, step, skipped, stopRequested);
    }

    /** Divergence is the user's step size or clipping to change, so a usage error saying which. */
    private UsageException nonFinite(TrainingTask task, double loss, double norm, long step, int epoch, int inARow) {
        String what = Double.isFinite(loss) ? "gradient norm is " + norm : "loss is " + loss;
        if (config.skipNonFiniteSteps() > 0) {
            return new UsageException("model " + task.modelName() + ": training diverged: " + inARow
                    + " steps in a row with a non-finite loss or gradient (at step " + step + ", epoch " + epoch + ": "
                    + what + ")");
        }
        return new UsageException("model " + task.modelName() + ": " + what + " at step " + step + " (epoch "
                + epoch + "); lower learningRate or set clipNorm");
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64 finaliser of seed and counter: independent-looking streams for neighbouring counters. */
    static long mix(long seed, long counter) {
        long z = seed + (counter + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
