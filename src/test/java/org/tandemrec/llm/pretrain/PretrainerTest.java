package org.tandemrec.llm.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.tokenizer.BpeTrainerTest;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/** Pre-training a very small model: the loss falls and the saved directory loads back to the same logits. */
class PretrainerTest {
    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    @Test
    void lossFallsAndTheCheckpointReloadsToTheSameLogits(@TempDir Path tmp) throws Exception {
        List<String> docs = BpeTrainerTest.corpus();
        PretrainConfig cfg = new PretrainConfig(32, 2, 4, 2, 64, 32, 320, 8, 1e-2f, 0.01f, 5, 1f, 60, 0, 3);
        Path out = tmp.resolve("model");
        Pretrainer.Result r = new Pretrainer(cfg).run(docs, out);
        assertEquals(60, r.steps());
        // ln(320) ≈ 5.77 at the start; the repetitive corpus is learnt quickly.
        assertTrue(r.firstLoss() > 5f, "first loss " + r.firstLoss());
        float lateMean = 0;
        for (int i = 50; i < 60; i++) {
            lateMean += r.stepLosses()[i] / 10;
        }
        assertTrue(lateMean < 0.6f * r.firstLoss(), r.firstLoss() + " -> " + lateMean);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json", Pretrainer.RUN_FILE)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode run = new ObjectMapper().readTree(out.resolve(Pretrainer.RUN_FILE).toFile());
        assertEquals(60, run.get("steps").asInt());
        assertEquals(32, run.get("config").get("hidden").asInt());

        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(out, m);
             LlmTokenizer tok = LlmTokenizer.load(out)) {
            assertEquals(320, w.config().vocabSize());
            assertTrue(w.config().tieWordEmbeddings());
            int[] ids = tok.encode("user 3 watched Heat (1995), a crime movie");
            float[] reloaded = new Decoder(w, null).forward(m, ids, false).logits().toFloatArray();
            assertTrue(Float.isFinite(reloaded[0]));
            // A trained model saved in HF layout reloads through the normal loading path to the same logits.
            try (LlmTokenizer t2 = new Pretrainer(cfg).trainTokenizer(docs);
                 DecoderWeights trained = DecoderWeights.random(cfg.llamaConfig(t2.size()), cfg.seed(), 0.02f, m)) {
                new Pretrainer(cfg).train(trained, Pretrainer.encodeStream(t2, docs), m);
                Path saved = out.resolveSibling("saved-again");
                HfCheckpoint.save(saved, trained, t2);
                float[] direct = new Decoder(trained, null).forward(m, ids, false).logits().toFloatArray();
                float d;
                try (DecoderWeights back = DecoderWeights.load(saved, m)) {
                    float[] again = new Decoder(back, null).forward(m, ids, false).logits().toFloatArray();
                    d = 0;
                    for (int i = 0; i < direct.length; i++) {
                        d = Math.max(d, Math.abs(direct[i] - again[i]));
                    }
                }
                assertTrue(d < 1e-4, "max |diff| " + d);
            }
        }
    }

    @Test
    void configRefusesUnboundedTrainingAndBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> PretrainConfig.demo(1).withBudget(0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PretrainConfig(30, 2, 4, 2, 64, 32, 320, 8, 1e-2f, 0f, 5, 1f, 10, 0, 3));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
    }
}
