package org.tandemrec.collab.bdlm;

import java.util.SplittableRandom;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainingTask;

/** Trains a {@link FeatureEnhancedCrm} on labelled pairs with their LLM features (BCE, Eq. 6). */
public final class DrsTask implements TrainingTask {
    private final FeatureEnhancedCrm network;
    private final DrsExamples examples;
    private final String name;

    public DrsTask(String name, FeatureEnhancedCrm network, DrsExamples examples) {
        if (examples.featureSize() != network.featureSize()) {
            throw new IllegalArgumentException("examples carry features of " + examples.featureSize()
                    + ", the network takes " + network.featureSize());
        }
        this.name = name;
        this.network = network;
        this.examples = examples;
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public String configFingerprint() {
        return "drs d=" + network.dim() + " f=" + network.featureSize() + " n=" + examples.size();
    }

    @Override
    public ParameterSet parameters() {
        return network.parameters();
    }

    @Override
    public int numExamples() {
        return examples.size();
    }

    @Override
    public double trainBatch(int[] batch, long step, SplittableRandom random) {
        return network.accumulateGradients(examples, batch);
    }
}
