package org.tandemrec.train;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * What the {@link Trainer} needs from a model: its parameters, how many examples an epoch has,
 * and the forward + backward pass of one mini-batch.
 */
public interface TrainingTask {
    /** A stable model name; a checkpoint of another name is refused. */
    String modelName();

    /** Everything of the model's config that shapes its parameters and loss (hashed into checkpoints). */
    String configFingerprint();

    ParameterSet parameters();

    /** Examples per epoch; the trainer shuffles the indices 0..n-1 each epoch. */
    int numExamples();

    /**
     * Computes the loss of the examples at {@code batch} and accumulates its gradient into the
     * (already zeroed) parameter gradients: {@link Parameter#grad()} or {@link
     * Parameter#addRowGrad} for Java arrays, {@link Parameter#addGrad} for native tensors. Every
     * random choice (e.g. negatives) comes from {@code random}, which the trainer derives from the
     * seed and {@code step}, the 0-based global optimiser step this batch is for.
     *
     * @return the mean loss of the batch
     */
    double trainBatch(int[] batch, long step, SplittableRandom random);

    /**
     * The parameters step {@code step} updates, for models whose parts train in turns (BDLM's
     * mutual learning alternates an LLM and a CRM): the others keep their values and optimiser
     * state. Null (the default): all of them.
     */
    default Set<Parameter> trainedAt(long step) {
        return null;
    }

    /** A factor on the schedule's learning rate for {@code p} (default 1): parts with rates of their own. */
    default double learningRateScale(Parameter p) {
        return 1;
    }
}
