package org.tandemrec.bench;

import java.util.ArrayList;
import java.util.List;
import org.tandemrec.train.TrainHooks;

/**
 * Times one training run from its hooks, so that a figure leaves out what comes before the
 * first step (indexing the data, building the model, the engine's first calls). Either
 * {@link #bestWarmEpochSeconds}: the fastest epoch after the first (the first warms the JIT and
 * the engine); or, for runs too long to repeat, {@link #epochFromStepsSeconds}: the time per step
 * after the first step, times the steps of an epoch — the run may be cut after a time budget, as
 * the PyTorch peer ({@code peer_bench.py}) times LightGCN. One timer per run.
 */
final class EpochTimer implements TrainHooks.EpochListener, TrainHooks.StopCondition {
    private final long stepsPerEpoch;
    private final double budgetSeconds;
    private final List<Long> epochEnds = new ArrayList<>();
    private long firstStepEnd = -1;
    private long lastStepEnd;
    private long steps;

    /** A timer of whole epochs that never cuts the run. */
    EpochTimer() {
        this(Long.MAX_VALUE, Double.POSITIVE_INFINITY);
    }

    /**
     * A timer that cuts the run once {@code budgetSeconds} have passed since its first step
     * (and it has taken at least two), for runs of {@code stepsPerEpoch} steps per epoch.
     */
    EpochTimer(long stepsPerEpoch, double budgetSeconds) {
        if (stepsPerEpoch < 2) {
            throw new IllegalArgumentException("stepsPerEpoch must be >= 2, got " + stepsPerEpoch);
        }
        if (!(budgetSeconds > 0)) {
            throw new IllegalArgumentException("budgetSeconds must be > 0, got " + budgetSeconds);
        }
        this.stepsPerEpoch = stepsPerEpoch;
        this.budgetSeconds = budgetSeconds;
    }

    /** Hooks that report to this timer and change nothing else. */
    TrainHooks hooks() {
        return TrainHooks.none().withEpochListener(this).withStop(this);
    }

    @Override
    public boolean shouldStop(long stepsDone) {
        long now = System.nanoTime();
        if (firstStepEnd < 0) {
            firstStepEnd = now;
        }
        lastStepEnd = now;
        steps = stepsDone;
        return stepsDone >= 2 && (now - firstStepEnd) / 1e9 > budgetSeconds;
    }

    @Override
    public void epochEnd(int epoch, double meanLoss, double validation) {
        epochEnds.add(System.nanoTime());
    }

    /** The fastest of epochs 2, 3, … in seconds; the run must have had at least two epochs. */
    double bestWarmEpochSeconds() {
        if (epochEnds.size() < 2) {
            throw new IllegalStateException("need at least two epochs to time a warm one, got " + epochEnds.size());
        }
        double best = Double.POSITIVE_INFINITY;
        for (int k = 1; k < epochEnds.size(); k++) {
            best = Math.min(best, (epochEnds.get(k) - epochEnds.get(k - 1)) / 1e9);
        }
        return best;
    }

    /** Seconds per step after the first, times the steps of an epoch; the run must have taken two steps. */
    double epochFromStepsSeconds() {
        if (steps < 2) {
            throw new IllegalStateException("need at least two steps, got " + steps);
        }
        return (lastStepEnd - firstStepEnd) / 1e9 / (steps - 1) * stepsPerEpoch;
    }

    /** Steps timed by {@link #epochFromStepsSeconds} (all but the first). */
    long stepsTimed() {
        return Math.max(0, steps - 1);
    }
}
