package org.tandemrec.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.safetensors.SafetensorsWriter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/** Saving in HF layout reloads to identical logits; added id tokens match the vocabulary-extension golden. */
class CheckpointAndVocabularyTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path LLAMA = Fixtures.path("hf/tiny-llama");
    static final Path QWEN = Fixtures.path("hf/tiny-qwen2");

    @Test
    void savedCheckpointReloadsToIdenticalLogits(@TempDir Path tmp) throws Exception {
        int[] ids = {41, 70, 268, 80, 265, 340, 330};
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.load(QWEN, m);
             LlmTokenizer tok = LlmTokenizer.load(QWEN)) {
            HfCheckpoint.save(tmp.resolve("saved"), w, tok);
            try (DecoderWeights r = HfCheckpoint.load(tmp.resolve("saved"), m);
                 LlmTokenizer rt = LlmTokenizer.load(tmp.resolve("saved"))) {
                assertEquals(w.config(), r.config());
                assertArrayEquals(new Decoder(w, null).forward(m, ids, false).logits().toFloatArray(),
                        new Decoder(r, null).forward(m, ids, false).logits().toFloatArray());
                assertArrayEquals(tok.encode("Hello world"), rt.encode("Hello world"));
                GoldenCheck.Result g = GoldenCheck.run(new Decoder(r, null), rt, QWEN.resolve("golden.json"), m);
                assertTrue(g.pass(), g.toString());
            }
            // An unknown format version is refused.
            Path st = tmp.resolve("future/model.safetensors");
            SafetensorsWriter.write(st, w.toSafetensors(), Map.of("tandem_format_version", "99"));
            Files.copy(QWEN.resolve("config.json"), tmp.resolve("future/config.json"));
            // Another format version is a bad file (exit 1), not a usage error.
            Exception e = assertThrows(org.tandemrec.llm.safetensors.SafetensorsFormatException.class,
                    () -> HfCheckpoint.load(tmp.resolve("future"), m));
            assertTrue(e.getMessage().contains("99"));
        }
    }

    @Test
    void addedIdTokensMatchGolden() throws Exception {
        JsonNode g = new ObjectMapper().readTree(Fixtures.path("vocab-extension-golden.json").toFile());
        double tol = g.get("tolerance_abs").asDouble();
        List<String> tokens = new ArrayList<>();
        g.get("new_tokens").forEach(t -> tokens.add(t.asText()));
        VocabularyExtension ext = new VocabularyExtension(tokens, rows(g.get("new_embedding_rows")), rows(g.get("new_lm_head_rows")));
        int[] ids = GoldenCheck.ints(g.get("input_ids"));
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights base = DecoderWeights.load(LLAMA, m);
             LlmTokenizer tok = LlmTokenizer.load(LLAMA);
             VocabularyExtension.Extended extended = ext.apply(tok, base, m)) {
            DecoderWeights w = extended.weights();
            LlmTokenizer etok = extended.tokenizer();
            assertEquals(600, extended.firstId());
            assertEquals(605, w.config().vocabSize());
            assertEquals(GoldenCheck.ints(g.get("new_token_ids"))[3], etok.addedTokenId(tokens.get(3)));
            // The prompt's text form encodes to the same ids, new tokens as single units.
            String text = tok.decode(new int[] {321, 309, 317, 312, 326, 324}, false) + "<uid_1><iid_2>";
            assertArrayEquals(new int[] {321, 309, 317, 312, 326, 324, 600, 603}, etok.encode(text));
            DecoderOutput o = new Decoder(w, null).forward(m, ids, false);
            float[] last = o.logits().get(new NDIndex("0, -1, :")).toFloatArray();
            assertTrue(GoldenCheck.maxDiff(last, GoldenCheck.floats(g.get("last_logits"))) <= tol);
            float[] newCols = o.logits().get(new NDIndex("0, :, 600:")).toFloatArray();
            assertTrue(GoldenCheck.maxDiff(newCols, GoldenCheck.floats(g.get("new_token_logits_all_positions"))) <= tol);
            float loss = Decoder.causalLmLoss(m, o.logits(), new int[][] {ids}).getFloat();
            assertEquals(g.get("loss_labels_eq_inputs").asDouble(), loss, tol);
        }
    }

    /**
     * A checkpoint whose vocab_size is padded beyond its tokenizer (as Qwen2.5's) takes ID tokens
     * in its free rows first and grows only for the rest; the rows land under the tokenizer's ids.
     */
    @Test
    void idTokensUseThePaddedRowsOfALargerVocabulary() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights base = DecoderWeights.load(LLAMA, m);
             LlmTokenizer tok = LlmTokenizer.load(LLAMA)) {
            // the tiny model's 600 ids, padded to 603 rows as a checkpoint may be
            DecoderWeights padded = base.withTokenRows(600, new float[3][64], new float[3][64], m);
            assertEquals(603, padded.config().vocabSize());
            float[][] rows = new float[5][64];
            for (int k = 0; k < 5; k++) {
                java.util.Arrays.fill(rows[k], k + 1);
            }
            VocabularyExtension ext = new VocabularyExtension(List.of("<uid_0>", "<uid_1>", "<iid_0>", "<iid_1>", "<iid_2>"),
                    rows, rows);
            try (VocabularyExtension.Extended e = ext.apply(tok, padded, m)) {
                assertEquals(600, e.firstId());
                assertEquals(605, e.weights().config().vocabSize(), "three free rows used, two appended");
                assertEquals(603, e.tokenizer().addedTokenId("<iid_1>"));
                float[] emb = e.weights().get("model.embed_tokens.weight").get(new NDIndex("603")).toFloatArray();
                assertEquals(4f, emb[0]);
                float[] kept = e.weights().get("model.embed_tokens.weight").get(new NDIndex("599")).toFloatArray();
                assertArrayEquals(base.get("model.embed_tokens.weight").get(new NDIndex("599")).toFloatArray(), kept);
            }
            DataFormatException small = assertThrows(DataFormatException.class, () -> new VocabularyExtension(
                    List.of("<uid_0>"), new float[1][64], new float[1][64]).apply(tok, DecoderWeights.random(
                    base.config().withVocabSize(500), 1, 0.02f, m), m));
            assertTrue(small.getMessage().contains("tokenizer has 600 tokens but vocab_size is 500"), small.getMessage());
        }
    }

    private static float[][] rows(JsonNode n) {
        float[][] r = new float[n.size()][];
        for (int i = 0; i < r.length; i++) {
            r[i] = GoldenCheck.floats(n.get(i));
        }
        return r;
    }
}
