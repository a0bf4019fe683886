package org.tandemrec.llm.decoder;

import java.nio.file.Path;
import java.util.Locale;
import org.tandemrec.base.ByteSize;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.base.UsageException;

/**
 * What training an LLM writes, known from {@code config.json} and the settings before training
 * starts, as {@code crm.CrmFootprint} is for the conventional models: its checkpoint (every
 * trained value and AdamW's two moments in float32, and the best epoch's values while
 * validating), two of them side by side while a new one replaces the old, and the files it saves
 * (the model in float32 or an adapter) while the last checkpoint is still there. A lower bound
 * (logs, the tokenizer and per-row step counts come on top), so a run refused by it could not have
 * finished. A resumed checkpoint is read whole into Java arrays before it is applied, so resuming
 * also needs its size in Java heap.
 *
 * @param run              what trains, for messages ("llm sft (full)")
 * @param trainable        scalars that train
 * @param checkpointCopies float copies of them in a checkpoint: 3 (values and both moments), 4 while validating
 * @param outputBytes      bytes of the model or adapter the run saves
 * @param output           what those are, for messages ("the model it saves")
 * @param replaced         whether a later checkpoint of the run replaces an earlier one
 */
public record LlmFootprint(String run, long trainable, int checkpointCopies, long outputBytes, String output,
                           boolean replaced) {
    public LlmFootprint {
        if (trainable < 0 || outputBytes < 0) {
            throw new IllegalArgumentException("trainable and outputBytes must be >= 0, got " + trainable + ", " + outputBytes);
        }
        if (checkpointCopies != 3 && checkpointCopies != 4) {
            throw new IllegalArgumentException("checkpointCopies must be 3 or 4, got " + checkpointCopies);
        }
    }

    /**
     * Pre-training {@code model} from scratch: every weight trains, the checkpoint holds them and
     * both moments, and the model is saved in float32.
     */
    public static LlmFootprint pretraining(LlamaConfig model, boolean replaced) {
        return new LlmFootprint("llm pretrain", model.parameterCount(), 3, model.float32Bytes(), "the model it saves",
                replaced);
    }

    /**
     * Native memory training adds to float32 weights that are all trained: their gradients and
     * AdamW's two moments (the weights themselves are counted by {@link LlamaConfig#checkFits}).
     */
    public static long fullTrainingBytes(LlamaConfig model) {
        return 3 * model.float32Bytes();
    }

    public long checkpointBytes() {
        return trainable * checkpointCopies * Float.BYTES;
    }

    /** At least this much free disk in the run directory at the busiest moment. */
    public long diskBytes() {
        return checkpointBytes() + Math.max(outputBytes, replaced ? checkpointBytes() : 0);
    }

    /** At least this much Java heap to resume: the checkpoint is read whole before it is applied. */
    public long resumeHeapBytes() {
        return checkpointBytes();
    }

    /**
     * Refuses, with both figures, a run whose files would not fit in {@code free} bytes of {@code
     * out}; {@code reclaimed} bytes already there (a checkpoint the run replaces or deletes first)
     * count as free.
     */
    public void checkDisk(Path out, long free, long reclaimed) throws UnusableFileException {
        long need = Math.max(0, diskBytes() - reclaimed);
        if (need > free) {
            throw new UnusableFileException(String.format(Locale.ROOT, "%s: %s needs at least %s of free disk (its"
                    + " checkpoint of %s: %,d trained values with AdamW's two moments%s, %s; %s of %s) but the disk has %s"
                    + " free", out, run, ByteSize.human(need), ByteSize.human(checkpointBytes()), trainable,
                    checkpointCopies == 4 ? " and the best epoch's values" : "",
                    replaced ? "two side by side while one replaces the other" : "one", output,
                    ByteSize.human(outputBytes), ByteSize.human(free)));
        }
    }

    /** Refuses, with both figures, resuming from a checkpoint that the {@code maxHeap} bytes of Java heap cannot hold. */
    public void checkResumeHeap(long maxHeap) {
        if (resumeHeapBytes() > maxHeap) {
            throw new UsageException(String.format(Locale.ROOT, "%s: resuming reads its checkpoint of %s (%,d trained"
                    + " values with AdamW's two moments) into the Java heap, but the maximum heap is %s (raise -Xmx,"
                    + " e.g. TANDEM_JAVA_OPTS=-Xmx16g)", run, ByteSize.human(resumeHeapBytes()), trainable,
                    ByteSize.human(maxHeap)));
        }
    }
}
