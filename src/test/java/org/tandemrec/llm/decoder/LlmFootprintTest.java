package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.base.UnusableFileException;
import org.tandemrec.base.UsageException;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.llm.sft.SftMemory;

/**
 * The footprint's arithmetic on the tiny fixture's shapes, counted by hand: H 64, I 144, 2
 * layers, 4 query heads and 2 key/value heads of 16, V 600, untied head. Embeddings and head 2 ×
 * 600 × 64 = 76,800; a layer q 4,096 + k 2,048 + v 2,048 + o 4,096 + MLP 3 × 9,216 + norms 128 =
 * 40,064; the final norm 64: 156,992 parameters, 627,968 bytes in float32 (the fixture file's
 * data size).
 */
class LlmFootprintTest {
    static final long P = 156_992;

    static LlamaConfig tiny() throws Exception {
        return LlamaConfig.load(Fixtures.path("hf/tiny-llama"));
    }

    @Test
    void pretrainingKeepsWeightsGradientsAndBothMomentsAndCheckpointsThreeCopies() throws Exception {
        LlamaConfig c = tiny();
        assertEquals(P, c.parameterCount());
        assertEquals(3 * 4 * P, LlmFootprint.fullTrainingBytes(c), "gradients and AdamW's two moments");
        LlmFootprint once = LlmFootprint.pretraining(c, false);
        assertEquals(1_883_904, once.checkpointBytes(), "values and both moments, float32");
        assertEquals(1_883_904 + 627_968, once.diskBytes(), "the checkpoint and the model saved beside it");
        LlmFootprint replaced = LlmFootprint.pretraining(c, true);
        assertEquals(2 * 1_883_904, replaced.diskBytes(), "two checkpoints side by side");
        assertEquals(1_883_904, replaced.resumeHeapBytes());

        // Weights 627,968 copied into memory and 1,883,904 for training: 2,511,872 bytes.
        UsageException memory = assertThrows(UsageException.class,
                () -> c.checkFits(new AvailableMemory(2_500_000, "MemAvailable in /proc/meminfo"), 0,
                        LlmFootprint.fullTrainingBytes(c)));
        assertEquals("model needs 2.4 MiB (156,992 float32 parameters: 613.3 KiB copied into memory, 1.8 MiB for"
                + " training) but only 2.4 MiB is available (MemAvailable in /proc/meminfo)", memory.getMessage());
        c.checkFits(new AvailableMemory(2_511_872, "test"), 0, LlmFootprint.fullTrainingBytes(c));
    }

    @Test
    void refusesWithBothFiguresInHumanUnits() throws Exception {
        LlmFootprint f = LlmFootprint.pretraining(tiny(), true);
        Path out = Path.of("work/llm");
        UnusableFileException e = assertThrows(UnusableFileException.class, () -> f.checkDisk(out, 1 << 20, 0));
        assertEquals("work/llm: llm pretrain needs at least 3.6 MiB of free disk (its checkpoint of 1.8 MiB: 156,992"
                + " trained values with AdamW's two moments, two side by side while one replaces the other; the model it"
                + " saves of 613.3 KiB) but the disk has 1.0 MiB free", e.getMessage());
        f.checkDisk(out, 3_767_808, 0);
        // A checkpoint already there is replaced: its bytes count as free.
        f.checkDisk(out, 3_767_808 - 1_883_904, 1_883_904);
        assertThrows(UnusableFileException.class, () -> f.checkDisk(out, 3_767_808 - 1_883_904 - 1, 1_883_904));
        UsageException heap = assertThrows(UsageException.class, () -> f.checkResumeHeap(1 << 20));
        assertEquals("llm pretrain: resuming reads its checkpoint of 1.8 MiB (156,992 trained values with AdamW's two"
                + " moments) into the Java heap, but the maximum heap is 1.0 MiB (raise -Xmx, e.g."
                + " TANDEM_JAVA_OPTS=-Xmx16g)", heap.getMessage());
        f.checkResumeHeap(1_883_904);
    }

    @Test
    void fineTuningCountsTheTrainedValuesAndWhatItSaves() throws Exception {
        LlamaConfig c = tiny();
        // Full: every weight trains; the model is saved in float32.
        SftConfig full = SftConfig.builder().mode(SftConfig.Mode.FULL).build();
        LlmFootprint f = new SftMemory(c, full, 0, 64).footprint("llm sft (full)", false, false, true);
        assertEquals(P, f.trainable());
        assertEquals(3 * 4 * P, f.checkpointBytes());
        assertEquals(4 * P, f.outputBytes());
        assertEquals("the model it saves", f.output());
        // Validating adds the best epoch's values to the checkpoint.
        assertEquals(4 * 4 * P, new SftMemory(c, full, 0, 64).footprint("x", true, false, true).checkpointBytes());

        // LoRA r 8 on q and v: per layer 8 × (64 + 64) + 8 × (64 + 32) = 1,792; two layers 3,584.
        SftConfig lora = SftConfig.builder().mode(SftConfig.Mode.LORA).loraRank(8).loraTargets(List.of("q_proj", "v_proj"))
                .build();
        LlmFootprint l = new SftMemory(c, lora, 0, 64).footprint("llm sft (lora)", true, true, true);
        assertEquals(3_584, l.trainable());
        assertEquals(4 * 4 * 3_584, l.checkpointBytes());
        assertEquals(4 * 3_584, l.outputBytes(), "only the adapter is saved");
        assertEquals(2 * 4 * 4 * 3_584, l.diskBytes(), "two checkpoints are larger than one and the adapter");

        // LoRA with 100 appended ID rows: the rows of the embeddings and the untied head train, and the
        // model with them is saved beside the adapter.
        LlmFootprint rows = new SftMemory(c, lora, 100, 64).footprint("sft", false, false, true);
        long rowValues = 100L * 64 * 2;
        assertEquals(3_584 + rowValues, rows.trainable());
        assertEquals(4 * (P + rowValues) + 4 * 3_584, rows.outputBytes());
        assertEquals("the model and adapter it saves", rows.output());
        // BDLM merges the adapter into the model it saves.
        LlmFootprint merged = new SftMemory(c, lora, 100, 64).footprint("bdlm", false, false, false);
        assertEquals(4 * (P + rowValues), merged.outputBytes());
        assertEquals("the model it saves", merged.output());
    }
}
