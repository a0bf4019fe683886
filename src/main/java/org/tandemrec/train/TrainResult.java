package org.tandemrec.train;

/**
 * Outcome of {@link Trainer#fit}.
 *
 * @param firstStep      global step of {@code losses[0]} (non-zero after a resume)
 * @param losses         mean batch loss of each step run by this call (NaN or infinite for a skipped step)
 * @param epochMetrics   validation metric after each epoch run by this call (empty without validation)
 * @param bestMetric     best validation metric seen (NaN without validation)
 * @param bestEpoch      0-based epoch of the best metric, -1 without validation
 * @param stoppedEarly   whether early stopping ended the run
 * @param globalSteps    optimiser steps taken in total, including before a resume
 * @param skippedSteps   steps of this call skipped for a non-finite loss or gradient
 *                       ({@link TrainConfig#skipNonFiniteSteps()})
 * @param stopRequested  whether the hooks' {@link TrainHooks.StopCondition} ended the run before its last step
 */
public record TrainResult(long firstStep, float[] losses, double[] epochMetrics, double bestMetric, int bestEpoch,
                          boolean stoppedEarly, long globalSteps, int skippedSteps, boolean stopRequested) {
}
