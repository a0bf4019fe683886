package org.tandemrec.train;

import java.nio.file.Path;

/**
 * Optional parts of a run: the validation callback, the checkpoint file and whether to resume
 * from it, whether to show progress, and a condition that ends the run early.
 *
 * @param validation   called after each epoch with the current parameters in place; null: none
 * @param checkpoint   file rewritten atomically every {@code checkpointEvery} steps, at each
 *                     epoch end and when {@code stop} ends the run; null: no checkpoints
 * @param resume       continue from {@code checkpoint} when it exists
 * @param showProgress report loss, rate and ETA through {@link org.tandemrec.base.Progress}
 * @param stop         asked after every optimiser step; null: the run ends after its last step
 * @param epochs       told the end of every finished epoch; null: nobody listens
 */
public record TrainHooks(Validation validation, Path checkpoint, boolean resume, boolean showProgress,
                         StopCondition stop, EpochListener epochs) {

    /** Computes the validation metric of the model's current parameters. */
    @FunctionalInterface
    public interface Validation {
        double evaluate(int epoch);
    }

    /**
     * Whether the run should end after the step just taken: a wall-clock deadline, a signal, a
     * target loss. A run it ends is cut as a crash would cut it, but cleanly: the checkpoint (if
     * any) records the position, so resuming continues to the planned last step, and the best
     * validated parameters (if any) are restored as at a normal end.
     */
    @FunctionalInterface
    public interface StopCondition {
        /** @param stepsDone optimiser steps taken so far in the whole run (including before a resume) */
        boolean shouldStop(long stepsDone);
    }

    /** What an epoch ended with: its curve point (a resumed run reports the epochs it runs). */
    @FunctionalInterface
    public interface EpochListener {
        /**
         * @param epoch      0-based epoch just finished
         * @param meanLoss   mean loss of its finite steps (NaN when none was)
         * @param validation the validation metric after it (NaN without validation)
         */
        void epochEnd(int epoch, double meanLoss, double validation);
    }

    public TrainHooks {
        if (resume && checkpoint == null) {
            throw new IllegalArgumentException("resume needs a checkpoint path");
        }
    }

    /** Hooks without a stop condition. */
    public TrainHooks(Validation validation, Path checkpoint, boolean resume, boolean showProgress) {
        this(validation, checkpoint, resume, showProgress, null, null);
    }

    /** Hooks without an epoch listener. */
    public TrainHooks(Validation validation, Path checkpoint, boolean resume, boolean showProgress, StopCondition stop) {
        this(validation, checkpoint, resume, showProgress, stop, null);
    }

    public static TrainHooks none() {
        return new TrainHooks(null, null, false, false, null, null);
    }

    public TrainHooks withValidation(Validation v) {
        return new TrainHooks(v, checkpoint, resume, showProgress, stop, epochs);
    }

    public TrainHooks withCheckpoint(Path file, boolean resumeIfPresent) {
        return new TrainHooks(validation, file, resumeIfPresent, showProgress, stop, epochs);
    }

    public TrainHooks withProgress(boolean show) {
        return new TrainHooks(validation, checkpoint, resume, show, stop, epochs);
    }

    public TrainHooks withStop(StopCondition condition) {
        return new TrainHooks(validation, checkpoint, resume, showProgress, condition, epochs);
    }

    public TrainHooks withEpochListener(EpochListener listener) {
        return new TrainHooks(validation, checkpoint, resume, showProgress, stop, listener);
    }
}
