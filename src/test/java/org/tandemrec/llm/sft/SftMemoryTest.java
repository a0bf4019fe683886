package org.tandemrec.llm.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.decoder.AvailableMemory;
import org.tandemrec.llm.decoder.LlamaConfig;

class SftMemoryTest {
    private static final Path MODEL = Fixtures.path("hf/tiny-llama");

    @Test
    void loraCountsTheAdapterAndTheAppendedRows() throws Exception {
        LlamaConfig mc = LlamaConfig.load(MODEL);
        SftConfig lora = SftConfig.builder().loraRank(4).loraTargets(List.of("q_proj", "v_proj")).build();
        // tiny-llama: H 64, 4 heads and 2 KV heads of 16, 2 layers, untied head.
        // q_proj 64→64 and v_proj 64→32 take r·(in + out) each; 10 appended rows train in the embedding and the head.
        long adapter = 2L * 4 * ((64 + 64) + (64 + 32));
        assertEquals(adapter, new SftMemory(mc, lora, 0, 32).trainable());
        assertEquals(adapter + 10L * 64 * 2, new SftMemory(mc, lora, 10, 32).trainable());
        SftConfig full = SftConfig.builder().mode(SftConfig.Mode.FULL).build();
        assertEquals(mc.parameterCount() + 10L * 64 * 2, new SftMemory(mc, full, 10, 32).trainable());
    }

    @Test
    void appendedRowsAndLongerSequencesNeedMore() throws Exception {
        LlamaConfig mc = LlamaConfig.load(MODEL);
        SftConfig lora = SftConfig.builder().loraRank(4).build();
        long plain = new SftMemory(mc, lora, 0, 32).nativeTrainingBytes();
        // appended rows make the weights a writable copy: at least the float32 weights more
        assertTrue(new SftMemory(mc, lora, 10, 32).nativeTrainingBytes() >= plain + mc.float32Bytes());
        assertTrue(new SftMemory(mc, lora, 0, 64).nativeTrainingBytes() > plain);
    }

    @Test
    void tooLittleMemoryIsRefusedWithTheNeed() throws Exception {
        LlamaConfig mc = LlamaConfig.load(MODEL);
        SftMemory need = new SftMemory(mc, SftConfig.builder().loraRank(4).build(), 1000, 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> need.check(new AvailableMemory(4096, "a test's figure"), MODEL, 3));
        assertTrue(e.getMessage().startsWith("model needs ") && e.getMessage().endsWith("(a test's figure)"), e.getMessage());
        need.check(new AvailableMemory(1L << 40, "a test's figure"), MODEL, 3);
    }
}
