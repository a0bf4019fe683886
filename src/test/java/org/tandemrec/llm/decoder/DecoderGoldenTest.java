package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.GoldenCheck;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/** Every golden quantity of the fixtures' reference checkpoints, within each golden's tolerance. */
class DecoderGoldenTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path HF = Fixtures.path("hf");

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama", "tiny-qwen2"})
    void matchesTransformers(String name) throws Exception {
        Path dir = HF.resolve(name);
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.load(dir, m);
             LlmTokenizer tok = LlmTokenizer.load(dir)) {
            GoldenCheck.Result r = GoldenCheck.run(new Decoder(w, null), tok, dir.resolve("golden.json"), m);
            System.out.println(name + " " + r);
            assertTrue(r.pass(), r.toString());
        }
    }
}
