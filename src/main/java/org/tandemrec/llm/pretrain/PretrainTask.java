package org.tandemrec.llm.pretrain;

import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainingTask;

/**
 * Pre-training of a decoder as a {@link TrainingTask} of the shared {@link
 * org.tandemrec.train.Trainer}: next-token loss on windows of {@code context} tokens of a token
 * stream, mean over every token of the step, every weight trained in place.
 *
 * <p>A step's windows start at random positions drawn from the trainer's per-step random stream;
 * the batch's example indices are not used, only their number (the windows per step). A step's
 * data therefore depends only on the seed and the step, so a resumed run draws exactly what the
 * uninterrupted one drew. {@link #numExamples()} is {@code steps × windowsPerStep}, so a trainer
 * with batch size {@code windowsPerStep} and one epoch takes {@code steps} steps.
 */
public final class PretrainTask implements TrainingTask {
    /** Sees every step's mean loss. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(long step, double loss);
    }

    private final String modelConfig;
    private final int[] stream;
    private final int context;
    private final int windowsPerStep;
    private final int steps;
    private final ParameterSet parameters;
    private final CausalLmGradients gradients;
    private final NDManager manager;
    private StepListener listener = (step, loss) -> { };

    /**
     * @param weights        the model, trained in place (its tensors must be writable)
     * @param stream         the corpus's token ids
     * @param context        tokens per window (2 ≤ context ≤ stream length)
     * @param windowsPerStep windows per optimiser step (> 0)
     * @param steps          optimiser steps of the run (> 0)
     */
    public PretrainTask(DecoderWeights weights, int[] stream, int context, int windowsPerStep, int steps, NDManager manager) {
        if (context < 2 || context > stream.length) {
            throw new UsageException("context must be in [2, " + stream.length + "] (the corpus's tokens), got " + context);
        }
        if (windowsPerStep <= 0) {
            throw new UsageException("windowsPerStep must be > 0, got " + windowsPerStep);
        }
        if (steps <= 0 || (long) steps * windowsPerStep > Integer.MAX_VALUE) {
            throw new UsageException("steps must be > 0 and steps × windowsPerStep fit an int, got " + steps);
        }
        this.modelConfig = weights.config().toString();
        this.stream = stream;
        this.context = context;
        this.windowsPerStep = windowsPerStep;
        this.steps = steps;
        this.parameters = new ParameterSet(CausalLmGradients.allParameters(weights));
        this.gradients = new CausalLmGradients(new Decoder(weights, null), parameters.list());
        this.manager = manager;
    }

    /** Receives every step's loss; replaces any earlier listener. */
    public void setListener(StepListener l) {
        this.listener = l == null ? (step, loss) -> { } : l;
    }

    @Override
    public String modelName() {
        return "llm-pretrain";
    }

    @Override
    public String configFingerprint() {
        // The step count is the schedule's length, so a run is resumed only with the same one.
        return modelConfig + "\ncontext=" + context + " windows=" + windowsPerStep + " steps=" + steps
                + " stream=" + stream.length + " crc=" + Long.toHexString(checksum(stream));
    }

    private static long checksum(int[] ids) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(4 * 4096);
        for (int i = 0; i < ids.length; i += 4096) {
            b.clear();
            for (int j = i; j < Math.min(ids.length, i + 4096); j++) {
                b.putInt(ids[j]);
            }
            crc.update(b.array(), 0, b.position());
        }
        return crc.getValue();
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    @Override
    public int numExamples() {
        return steps * windowsPerStep;
    }

    /** Trains on {@code batch.length} windows drawn from {@code random}; the indices themselves are not used. */
    @Override
    public double trainBatch(int[] batch, long step, SplittableRandom random) {
        float loss = gradients.accumulate(manager, List.of(windows(batch.length, random)));
        listener.onStep(step, loss);
        return loss;
    }

    /** {@code count} windows at random start positions, labels equal to the inputs (shifted inside the loss). */
    TrainBatch windows(int count, SplittableRandom random) {
        int[][] ids = new int[count][context];
        int[][] mask = new int[count][context];
        int[][] pos = new int[count][context];
        for (int i = 0; i < count; i++) {
            int from = random.nextInt(stream.length - context + 1);
            System.arraycopy(stream, from, ids[i], 0, context);
            for (int j = 0; j < context; j++) {
                mask[i][j] = 1;
                pos[i][j] = j;
            }
        }
        return new TrainBatch(ids, mask, pos, ids);
    }

    /** Tokens of one step. */
    public long tokensPerStep() {
        return (long) windowsPerStep * context;
    }
}
