package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;
import org.tandemrec.llm.decoder.TorchThreads;

/**
 * The benchmark on a tiny configuration and on a checkpoint: every figure measured; utilisation
 * and ratios on hand-computed throughputs; sizes fitted to a short context.
 */
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
            LlmBenchmark.Figures f = LlmBenchmark.run(c, new LlmBenchmark.Settings(2, 16, 1, true, 2, 16, 32, 4, 1, 1), m);
            assertEquals(c.parameterCount(), f.parameters());
            for (double v : new double[] {f.trainTokensPerSecond(), f.loraTrainTokensPerSecond(), f.prefillTokensPerSecond(),
                f.prefillGflops(),
                f.decodeFullSecondsPerToken(), f.decodeCachedSecondsPerToken(), f.yesNoPromptsPerSecond(),
                f.prefillPromptsPerSecond()}) {
                assertTrue(v > 0 && Double.isFinite(v), "figure " + v);
            }
            // N in the utilisation is the number of weights the benchmark actually ran.
            try (DecoderWeights w = DecoderWeights.random(c, 1, 0.02f, m)) {
                assertEquals(w.tensors().values().stream().mapToLong(NDArray::size).sum(), f.parameters());
            }
            LlmBenchmark.Figures noTrain = LlmBenchmark.run(c, new LlmBenchmark.Settings(2, 16, 0, true, 2, 16, 32, 4, 1, 1),
                    m);
            assertTrue(Double.isNaN(noTrain.trainTokensPerSecond()));
            assertTrue(Double.isNaN(noTrain.loraTrainTokensPerSecond()));
        }
        assertThrows(IllegalArgumentException.class, () -> new LlmBenchmark.Settings(0, 16, 1, true, 2, 16, 32, 4, 1, 1));
    }

    @Test
    void utilisationAndRatiosOfKnownThroughputs() {
        // 1M non-embedding parameters, 2 layers of width 100 over 250 tokens (attention term 6·2·250·100 =
        // 300k per token in training, 100k in prefill): training at 10k tokens/s is 10k·(6M + 0.3M) = 6.3e10
        // flop/s, LoRA at 10k tokens/s 10k·(4M + 0.3M) = 4.3e10, prefill at 30k tokens/s 30k·(2M + 0.1M) = 6.3e10.
        LlmBenchmark.Figures f = new LlmBenchmark.Figures(1_500_000, 1_000_000, 2, 100, 250, 250, 10_000, 10_000, 30_000, 50,
                0.02, 0.005, 10, 5);
        assertEquals(0.5, f.trainMfu(126), 1e-12);
        assertEquals(0.5, f.loraTrainMfu(86), 1e-12);
        assertEquals(0.5, f.prefillMfu(126), 1e-12);
        assertEquals(4.0, f.decodeSpeedup(), 1e-12);
        assertEquals(2.0, f.yesNoVsPrefill(), 1e-12);
    }

    @Test
    void theLargeModelIsThePeersUntiedDecoderCountedAsThePeerCountsIt() {
        LlamaConfig c = LlmBenchmark.model100m();
        assertTrue(!c.tieWordEmbeddings());
        // By hand, per layer: q and o 768², k and v 768·256 (4 KV heads of 64), MLP 3·768·2048, two norms;
        // then the final norm and the untied head 32000·768; the input table is left out.
        long layer = 2L * 768 * 768 + 2L * 768 * 256 + 3L * 768 * 2048 + 2 * 768;
        assertEquals(12 * layer + 768 + 32000L * 768, LlmBenchmark.nonEmbeddingParameters(c));
        assertEquals(LlmBenchmark.nonEmbeddingParameters(c) + 32000L * 768, c.parameterCount());
        LlmBenchmark.Settings s = LlmBenchmark.Settings.large(2, true);
        assertEquals(4, s.trainBatch());
        assertEquals(256, s.trainSeq());
        assertTrue(s.lora());
    }

    @Test
    void checkpointIsMeasuredWithoutTrainingWithinItsContext() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            LlmBenchmark.Settings s = LlmBenchmark.Settings.demo(1).fitting(w.config().maxPositionEmbeddings(), false);
            assertEquals(256 - 32, s.prefix());
            LlmBenchmark.Figures f = LlmBenchmark.run(w, s, m);
            assertTrue(Double.isNaN(f.trainTokensPerSecond()));
            assertTrue(f.prefillTokensPerSecond() > 0 && f.decodeCachedSecondsPerToken() > 0);
            assertEquals(w.config().parameterCount(), f.parameters());
        }
        LlmBenchmark.Settings shortContext = LlmBenchmark.Settings.demo(3).fitting(16, true);
        assertEquals(16, shortContext.trainSeq());
        assertEquals(16, shortContext.prefillSeq());
        assertEquals(8, shortContext.newTokens());
        assertEquals(8, shortContext.prefix());
        assertEquals(5, shortContext.trainSteps());
    }
}
