package org.tandemrec.train;

import java.nio.file.Path;

/**
 * Optional parts of a run: the validation callback, the checkpoint file and whether to resume
 * from it, and whether to show progress.
 *
 * @param validation  called after each epoch with the current parameters in place; null: none
 * @param checkpoint  file rewritten atomically every {@code checkpointEvery} steps and at each
 *                    epoch end; null: no checkpoints
 * @param resume      continue from {@code checkpoint} when it exists
 * @param showProgress report loss, rate and ETA through {@link org.tandemrec.base.Progress}
 */
public record TrainHooks(Validation validation, Path checkpoint, boolean resume, boolean showProgress) {

    /** Computes the validation metric of the model's current parameters. */
    @FunctionalInterface
    public interface Validation {
        double evaluate(int epoch);
    }

    public TrainHooks {
        if (resume && checkpoint == null) {
            throw new IllegalArgumentException("resume needs a checkpoint path");
        }
    }

    public static TrainHooks none() {
        return new TrainHooks(null, null, false, false);
    }

    public TrainHooks withValidation(Validation v) {
        return new TrainHooks(v, checkpoint, resume, showProgress);
    }

    public TrainHooks withCheckpoint(Path file, boolean resumeIfPresent) {
        return new TrainHooks(validation, file, resumeIfPresent, showProgress);
    }

    public TrainHooks withProgress(boolean show) {
        return new TrainHooks(validation, checkpoint, resume, show);
    }
}
