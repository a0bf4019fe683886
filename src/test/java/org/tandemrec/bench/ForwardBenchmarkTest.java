package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.RopeScaling;

/** The counted flops of a forward pass on a configuration small enough to count by hand. */
class ForwardBenchmarkTest {
    @Test
    void flopsPerTokenCountEveryMatmul() {
        // H 32, 1 layer, 4 query heads and 2 key/value heads of 8, I 64, V 100, untied, 8 tokens.
        LlamaConfig c = new LlamaConfig("llama", 32, 64, 1, 4, 2, 8, 1e-6, RopeScaling.plain(10000), false, false, 100,
                0, 0, 1, 2048);
        // Multiply-adds per token: q 32·32, k and v 2·32·16, o 32·32, MLP 3·32·64, LM head 100·32,
        // attention q·kᵀ and p·v over 8 keys 2·8·32; two flops each.
        double macs = 1024 + 1024 + 1024 + 6144 + 3200 + 512;
        assertEquals(2 * macs, ForwardBenchmark.forwardFlopsPerToken(c, 8), 0.0);
    }
}
