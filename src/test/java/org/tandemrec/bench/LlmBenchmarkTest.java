package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.decoder.TorchThreads;

/** The benchmark on a tiny configuration: every figure measured, and the derived ratios from their definitions. */
class LlmBenchmarkTest {
    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    @Test
    void measuresEveryFigureOfATinyModel() {
        LlamaConfig c = new LlamaConfig("llama", 32, 64, 1, 4, 2, 8, 1e-5, RopeScaling.plain(10000), false, true, 200,
                1, 2, 3, 512);
        try (NDManager m = NDManager.newBaseManager()) {
            LlmBenchmark.Figures f = LlmBenchmark.run(c, new LlmBenchmark.Settings(2, 16, 1, 2, 16, 32, 4, 1, 1), m);
            assertEquals(c.parameterCount(), f.parameters());
            for (double v : new double[] {f.trainTokensPerSecond(), f.prefillTokensPerSecond(), f.decodeFullSecondsPerToken(),
                    f.decodeCachedSecondsPerToken(), f.yesNoPromptsPerSecond(), f.prefillPromptsPerSecond()}) {
                assertTrue(v > 0 && Double.isFinite(v), "figure " + v);
            }
            // Definitions: MFU = flops/token × tokens/s / peak, with 6N (train) and 2N (prefill) flops per token.
            assertEquals(f.trainTokensPerSecond() * 6 * f.parameters() / 1e9, f.trainMfu(1.0), 1e-9);
            assertEquals(f.prefillTokensPerSecond() * 2 * f.parameters() / 1e9, f.prefillMfu(1.0), 1e-9);
            assertEquals(f.decodeFullSecondsPerToken() / f.decodeCachedSecondsPerToken(), f.decodeSpeedup(), 1e-12);
            assertEquals(f.yesNoPromptsPerSecond() / f.prefillPromptsPerSecond(), f.yesNoVsPrefill(), 1e-12);
            LlmBenchmark.Figures noTrain = LlmBenchmark.run(c, new LlmBenchmark.Settings(2, 16, 0, 2, 16, 32, 4, 1, 1), m);
            assertTrue(Double.isNaN(noTrain.trainTokensPerSecond()));
        }
        assertThrows(IllegalArgumentException.class, () -> new LlmBenchmark.Settings(0, 16, 1, 2, 16, 32, 4, 1, 1));
    }
}
