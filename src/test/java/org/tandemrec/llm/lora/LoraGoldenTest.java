package org.tandemrec.llm.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.GoldenCheck;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/** The PEFT adapter applied to tiny-llama against its golden, and merging it into the weights. */
class LoraGoldenTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path BASE = Fixtures.path("hf/tiny-llama");
    static final Path ADAPTER = Fixtures.path("hf/tiny-llama-lora");

    @Test
    void adapterAndMergedWeightsMatchGolden() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.load(BASE, m);
             LoraAdapter lora = LoraAdapter.load(ADAPTER, w, m);
             LlmTokenizer tok = LlmTokenizer.load(BASE)) {
            assertEquals(2.0f, lora.scale(), 0f); // alpha 8 / r 4
            assertEquals(4, lora.pairs().size()); // q_proj and v_proj of 2 layers
            GoldenCheck.Result r = GoldenCheck.run(new Decoder(w, lora), tok, ADAPTER.resolve("golden.json"), m);
            assertTrue(r.pass(), r.toString());
            try (DecoderWeights merged = lora.merge(w, m)) {
                GoldenCheck.Result rm = GoldenCheck.run(new Decoder(merged, null), tok, ADAPTER.resolve("golden.json"), m);
                assertTrue(rm.pass(), rm.toString());
            }
            // Without the adapter the golden must not match: the B matrices are non-zero.
            GoldenCheck.Result base = GoldenCheck.run(new Decoder(w, null), tok, ADAPTER.resolve("golden.json"), m);
            assertTrue(base.lastLogits() > 1e-3, base.toString());
        }
    }
}
