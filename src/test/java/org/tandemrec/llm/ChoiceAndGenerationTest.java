package org.tandemrec.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;

/**
 * Batch choice scoring against the golden last logits (softmax over the candidate logits computed
 * here from the golden values), the KV cache against full recomputation, and seeded sampling.
 */
class ChoiceAndGenerationTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path DIR = Fixtures.path("hf/tiny-llama");

    @Test
    void batchChoiceEqualsSoftmaxOfGoldenLogits() throws Exception {
        JsonNode g = new ObjectMapper().readTree(DIR.resolve("golden.json").toFile());
        int[][] prompts = new int[g.get("prompts").size()][];
        float[][] last = new float[prompts.length][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = GoldenCheck.ints(g.get("prompts").get(i).get("input_ids"));
            last[i] = GoldenCheck.floats(g.get("prompts").get(i).get("last_logits"));
        }
        int[] cands = {5, 17, 322, 599};
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(DIR, m)) {
            ChoiceScorer scorer = new ChoiceScorer(new Decoder(w, null), w.config().padTokenId());
            float[][] p = scorer.choose(m, prompts, cands);
            float[] yes = scorer.yesProbability(m, prompts, 5, 17);
            for (int i = 0; i < prompts.length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c : cands) {
                    max = Math.max(max, last[i][c]);
                }
                double z = 0;
                for (int c : cands) {
                    z += Math.exp(last[i][c] - max);
                }
                for (int j = 0; j < cands.length; j++) {
                    assertEquals(Math.exp(last[i][cands[j]] - max) / z, p[i][j], 1e-4, "prompt " + i + " candidate " + j);
                }
                double py = 1 / (1 + Math.exp(last[i][17] - last[i][5]));
                assertEquals(py, yes[i], 1e-4);
            }
        }
    }

    @Test
    void cachedGreedyEqualsRecomputationAndSamplingIsSeeded() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(DIR, m)) {
            Decoder d = new Decoder(w, null);
            Generator gen = new Generator(d);
            int[] prompt = {41, 70, 268, 80, 265, 340, 330};
            int[] cached = gen.generate(m, prompt, Generator.Settings.greedy(6, -1));
            // Recompute each step from scratch, without a cache.
            int[] seq = prompt.clone();
            for (int s = 0; s < 6; s++) {
                try (NDManager sm = m.newSubManager()) {
                    float[] logits = d.forward(sm, seq, false).logits().get(0).get(seq.length - 1).toFloatArray();
                    int next = Generator.argmax(logits);
                    assertEquals(next, cached[s], "step " + s);
                    seq = java.util.Arrays.copyOf(seq, seq.length + 1);
                    seq[seq.length - 1] = next;
                }
            }
            Generator.Settings sampled = new Generator.Settings(8, 0.9f, 50, 0.95f, 42L, -1);
            int[] a = gen.generate(m, prompt, sampled);
            assertArrayEquals(a, gen.generate(m, prompt, sampled));
            assertEquals(8, a.length);
            // eos stops generation: use the first greedy token as eos.
            assertArrayEquals(new int[] {cached[0]}, gen.generate(m, prompt, Generator.Settings.greedy(6, cached[0])));
            // top-k 1 is greedy whatever the temperature.
            assertArrayEquals(cached, gen.generate(m, prompt, new Generator.Settings(6, 2f, 1, 1f, 7L, -1)));
            assertTrue(a.length > 0);
        }
    }

    @Test
    void batchGenerationEqualsSingleAndFreesNativeMemory() throws Exception {
        int[][] prompts = {{321, 309, 317, 312, 326, 324, 361, 363}, {41, 70, 268}, {222, 599, 563, 222, 598}};
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(DIR, m)) {
            Generator gen = new Generator(new Decoder(w, null));
            Generator.Settings greedy = Generator.Settings.greedy(6, -1);
            int[][] batch = gen.generateBatch(m, prompts, greedy, w.config().padTokenId());
            for (int i = 0; i < prompts.length; i++) {
                assertArrayEquals(gen.generate(m, prompts[i], greedy), batch[i], "row " + i);
            }
            Generator.Settings sampled = new Generator.Settings(5, 1.0f, 0, 0.9f, 11L, -1);
            int[][] sb = gen.generateBatch(m, prompts, sampled, w.config().padTokenId());
            for (int i = 0; i < prompts.length; i++) {
                Generator.Settings own = new Generator.Settings(5, 1.0f, 0, 0.9f, 11L + i, -1);
                assertArrayEquals(gen.generate(m, prompts[i], own), sb[i], "sampled row " + i);
            }
            // Every intermediate of forward passes, caches and scoring is freed on return.
            int before = m.getManagedArrays().size();
            assertTrue(before >= w.tensors().size(), "managed arrays include sub-managers: " + before);
            gen.generateBatch(m, prompts, greedy, w.config().padTokenId());
            new ChoiceScorer(new Decoder(w, null), 1).choose(m, prompts, new int[] {3, 4});
            assertEquals(before, m.getManagedArrays().size());
        }
    }
}
