package org.tandemrec.llm.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import org.tandemrec.llm.sft.SftConfig;
import org.tandemrec.llm.sft.SftExample;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.sft.SftTrainer;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.TrainResult;
import org.tandemrec.train.Trainer;

/** Fresh LoRA adapters, PEFT-layout saving, merging, the SFT loop, gradient accumulation and skipped steps. */
class LoraTrainingTest {
    static final Path TINY = Fixtures.path("hf/tiny-llama");

    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    /**
     * Tolerance of {@link #assertSameUpToRounding}, relative to a gradient tensor's largest
     * magnitude. The two computations add the same float32 terms in different orders (two
     * micro-batches of one against one left-padded batch of two, whose shapes change the matrix
     * kernels' blocking), so they agree only up to rounding, and rounding error scales with the
     * size of the terms summed, not with an element's own value (a small element can be the
     * difference of large terms). Measured here: about 1e-6 of the tensor's largest entry (~16
     * ulps at 2^-24); 1e-4 leaves room for other kernels and thread counts, while a mistake in
     * weighting micro-batches shifts gradients by tens of percent.
     */
    private static final float GRADIENT_RTOL = 1e-4f;

    private static void assertSameUpToRounding(float[] expected, float[] actual, String what) {
        float scale = Math.max(maxAbs(expected), maxAbs(actual));
        float diff = maxAbsDiff(expected, actual);
        assertTrue(diff <= GRADIENT_RTOL * scale, what + " differs by " + diff + ", more than " + GRADIENT_RTOL
                + " of its largest magnitude " + scale);
    }

    private static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static float[] logits(Decoder d, NDManager m, int[] ids) {
        try (NDManager s = m.newSubManager()) {
            return d.forward(s, ids, false).logits().toFloatArray();
        }
    }

    @Test
    void freshAdapterIsSeededBoundedAndLeavesTheModelUnchanged() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LoraAdapter a = LoraAdapter.create(w, LoraConfig.attention(4, 8, 0.0, "tiny-llama"), 7, m);
             LoraAdapter same = LoraAdapter.create(w, LoraConfig.attention(4, 8, 0.0, "tiny-llama"), 7, m)) {
            // 2 layers × {q_proj, v_proj}
            assertEquals(4, a.pairs().size());
            LoraAdapter.Pair q = a.pairs().get("model.layers.0.self_attn.q_proj.weight");
            float[] va = q.a().toFloatArray();
            double bound = 1 / Math.sqrt(64); // kaiming-uniform(a=√5) bound 1/√fan_in, fan_in = hidden 64
            for (float x : va) {
                assertTrue(Math.abs(x) <= bound, "A value " + x + " beyond " + bound);
            }
            assertEquals(0f, q.b().abs().max().getFloat());
            assertArrayEquals(va, same.pairs().get("model.layers.0.self_attn.q_proj.weight").a().toFloatArray());
            int[] ids = {5, 17, 42, 99, 3};
            assertEquals(0f, maxAbsDiff(logits(new Decoder(w, null), m, ids), logits(new Decoder(w, a), m, ids)));
            assertThrows(IllegalArgumentException.class,
                    () -> LoraAdapter.create(w, new LoraConfig(4, 8, 0, List.of("nope_proj"), ""), 1, m));
        }
    }

    @Test
    void savedAdapterHasPeftLayoutAndReloadsToTheSameOutputsAndMerges(@TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LoraAdapter fresh = LoraAdapter.create(w, new LoraConfig(4, 8, 0.05, List.of("q_proj", "v_proj", "down_proj"), "tiny-llama"), 3, m)) {
            // Non-zero B so the adapter changes outputs.
            SplittableRandom r = new SplittableRandom(11);
            Map<String, float[]> values = new java.util.HashMap<>();
            fresh.pairs().forEach((k, p) -> {
                float[] b = new float[(int) p.b().size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) (r.nextDouble() - 0.5) * 0.1f;
                }
                values.put(LoraAdapter.peftKey(k, false), b);
            });
            try (LoraAdapter a = fresh.withValues(values, m)) {
                a.save(tmp.resolve("adapter"));
                JsonNode cfg = new ObjectMapper().readTree(tmp.resolve("adapter/adapter_config.json").toFile());
                assertEquals("LORA", cfg.get("peft_type").asText());
                assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
                assertEquals(4, cfg.get("r").asInt());
                assertEquals(8, cfg.get("lora_alpha").asInt());
                assertEquals(0.05, cfg.get("lora_dropout").asDouble(), 1e-12);
                assertEquals("tiny-llama", cfg.get("base_model_name_or_path").asText());
                assertEquals(3, cfg.get("target_modules").size());
                SafetensorsReader st = SafetensorsReader.open(tmp.resolve("adapter/adapter_model.safetensors"));
                assertTrue(st.contains("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight"));
                assertTrue(st.contains("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight"));
                assertEquals(12, st.names().size());
                int[] ids = {5, 17, 42, 99, 3, 250};
                float[] withAdapter = logits(new Decoder(w, a), m, ids);
                assertTrue(maxAbsDiff(withAdapter, logits(new Decoder(w, null), m, ids)) > 1e-3);
                try (LoraAdapter back = LoraAdapter.load(tmp.resolve("adapter"), w, m)) {
                    assertEquals(a.config(), back.config());
                    assertEquals(0f, maxAbsDiff(withAdapter, logits(new Decoder(w, back), m, ids)));
                }
                try (DecoderWeights merged = a.merge(w, m)) {
                    // W + s·BA in one matrix equals W x + s·B(A x) up to float rounding.
                    assertTrue(maxAbsDiff(withAdapter, logits(new Decoder(merged, null), m, ids)) < 1e-5);
                }
            }
        }
    }

    @Test
    void accumulatingTwoBatchesOfOneEqualsOneBatchOfTwo() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY);
             LoraAdapter fresh = LoraAdapter.create(w, LoraConfig.attention(4, 8, 0.0, "tiny-llama"), 3, m)) {
            Map<String, float[]> b = new java.util.HashMap<>();
            SplittableRandom r = new SplittableRandom(2);
            fresh.pairs().forEach((k, p) -> {
                float[] v = new float[(int) p.b().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextDouble() - 0.5) * 0.1f;
                }
                b.put(LoraAdapter.peftKey(k, false), v);
            });
            try (LoraAdapter a = fresh.withValues(b, m)) {
                SftSequence e1 = SftSequence.encode(tok, new SftExample("User 3 watched Heat (1995). Next?", " Yes"), 0, 64);
                SftSequence e2 = SftSequence.encode(tok, new SftExample("Toy Story?", " No, not today"), 0, 64);
                TrainBatch one = TrainBatch.leftPadded(List.of(e1.ids()), List.of(e1.labels()), 1);
                TrainBatch two = TrainBatch.leftPadded(List.of(e2.ids()), List.of(e2.labels()), 1);
                TrainBatch both = TrainBatch.leftPadded(List.of(e1.ids(), e2.ids()), List.of(e1.labels(), e2.labels()), 1);
                List<Parameter> params = new java.util.ArrayList<>(CausalLmGradients.loraParameters(a));
                params.addAll(CausalLmGradients.tokenRowParameters(w, 590));
                ParameterSet set = new ParameterSet(params);
                CausalLmGradients step = new CausalLmGradients(new Decoder(w, a), params);
                float[] l1 = new float[1];
                float[] l2 = new float[1];
                Map<String, float[]> acc = gradients(set, () -> l1[0] = step.accumulate(m, List.of(one, two)));
                Map<String, float[]> big = gradients(set, () -> l2[0] = step.accumulate(m, List.of(both)));
                // The loss is a mean over a handful of tokens: measured 1 ulp apart; allow ~30
                // ulps (2^-24 relative each) of the loss's size.
                assertEquals(l2[0], l1[0], 2e-6 * Math.abs(l2[0]));
                assertEquals(params.size(), big.size());
                for (String k : big.keySet()) {
                    assertSameUpToRounding(big.get(k), acc.get(k), k);
                }
                // The tolerance still tells a wrong accumulation apart: the first example's
                // gradient alone (weighted as if it were the whole step) is far outside it.
                Map<String, float[]> half = gradients(set, () -> step.accumulate(m, List.of(one)));
                String q = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight";
                assertTrue(maxAbsDiff(big.get(q), half.get(q)) > 100 * GRADIENT_RTOL * maxAbs(big.get(q)),
                        "a one-example gradient must differ from the two-example one beyond the tolerance");
                // only rows 590..599 of the embedding are trainable: 10 rows × hidden 64
                assertEquals(640, big.get("model.embed_tokens.weight").length);
            }
        }
    }

    @Test
    void loraSftTeachesAFixedAnswer() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY);
             LoraAdapter a = LoraAdapter.create(w, new LoraConfig(8, 16, 0.0, List.of("q_proj", "v_proj", "o_proj", "down_proj"), "tiny-llama"), 1, m)) {
            List<SftExample> ex = List.of(new SftExample("Heat (1995)", " yes"), new SftExample("Toy Story", " yes"),
                    new SftExample("Casino", " yes"), new SftExample("user 12 watched", " yes"));
            SftConfig cfg = SftConfig.builder().epochs(6).batchSize(2).gradAccumulation(2).learningRate(3e-2).warmupSteps(1)
                    .maxLength(32).seed(9).build();
            int[] probe = SftSequence.encode(tok, new SftExample("Heat (1995)", " yes"), 0, 32).ids();
            int yes = probe[probe.length - 2];
            float before = softmaxAt(logits(new Decoder(w, a), m, java.util.Arrays.copyOf(probe, probe.length - 2)), yes);
            TrainResult res = new SftTrainer(cfg).trainLora(w, a, SftTrainer.encode(tok, ex, w.config(), 32), null,
                    TrainHooks.none(), m);
            float[] l = res.losses();
            assertEquals(6, l.length); // 4 examples / (2 × 2) per step × 6 epochs
            // warm-up: step 0 runs at rate 0, so the loss falls from step 1 on
            assertTrue(l[5] < 0.5f * l[0], l[0] + " -> " + l[5]);
            float after = softmaxAt(logits(new Decoder(w, a), m, java.util.Arrays.copyOf(probe, probe.length - 2)), yes);
            assertTrue(after > before && after > 0.5f, before + " -> " + after);
        }
    }

    /** Probability of token {@code id} at the last position of [1, T, V] logits. */
    private static float softmaxAt(float[] logits, int id) {
        int v = 600;
        int off = logits.length - v;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double z = 0;
        for (int i = 0; i < v; i++) {
            z += Math.exp(logits[off + i] - max);
        }
        return (float) (Math.exp(logits[off + id] - max) / z);
    }

    @Test
    void tokenRowTrainingChangesOnlyTheAddedRowsOfTheBatch() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(TINY, m);
             DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
             LlmTokenizer tok = LlmTokenizer.load(TINY);
             LoraAdapter a = LoraAdapter.create(w, LoraConfig.attention(2, 4, 0.1, "tiny-llama"), 5, m)) {
            float[] embBefore = w.get("model.embed_tokens.weight").toFloatArray();
            float[] headBefore = w.get("lm_head.weight").toFloatArray();
            // Tokens of the top rows in a prompt ("Drama") and as the answer (" leading"), so that
            // those rows get gradients through the input and the head.
            List<SftExample> ex = List.of(new SftExample("Drama", " leading"), new SftExample("Drama again", " leading"));
            List<SftSequence> seqs = SftTrainer.encode(tok, ex, w.config(), 32);
            int drama = 552;
            int leading = 599;
            assertTrue(Arrays.stream(seqs.get(0).ids()).anyMatch(i -> i == drama), Arrays.toString(seqs.get(0).ids()));
            assertTrue(Arrays.stream(seqs.get(0).labels()).anyMatch(i -> i == leading), Arrays.toString(seqs.get(0).labels()));
            SftConfig cfg = SftConfig.builder().epochs(2).batchSize(2).learningRate(1e-2).weightDecay(0.01).warmupSteps(0)
                    .maxLength(32).seed(3).build();
            new SftTrainer(cfg).trainLoraAndTokenRows(w, a, 550, seqs, null, TrainHooks.none(), m);
            float[] emb = w.get("model.embed_tokens.weight").toFloatArray();
            float[] head = w.get("lm_head.weight").toFloatArray();
            int h = 64;
            assertEquals(0f, maxAbsDiff(Arrays.copyOf(embBefore, 550 * h), Arrays.copyOf(emb, 550 * h)));
            assertEquals(0f, maxAbsDiff(Arrays.copyOf(headBefore, 550 * h), Arrays.copyOf(head, 550 * h)));
            for (int id : new int[] {drama, leading}) {
                assertTrue(maxAbsDiff(row(headBefore, id), row(head, id)) > 0f, "head row " + id);
                assertTrue(maxAbsDiff(row(embBefore, id), row(emb, id)) > 0f, "embedding row " + id);
            }
            // A trainable row outside every batch is not updated, not even by weight decay (lazy rows).
            assertEquals(0f, maxAbsDiff(row(headBefore, 560), row(head, 560)));
            assertEquals(0f, maxAbsDiff(row(embBefore, 560), row(emb, 560)));
            assertTrue(a.pairs().values().iterator().next().b().abs().max().getFloat() > 0f);
        }
    }

    private static float[] row(float[] table, int id) {
        return Arrays.copyOfRange(table, id * 64, (id + 1) * 64);
    }

    /** The gradients {@code step} adds into freshly zeroed parameters, as Java arrays by name. */
    private static Map<String, float[]> gradients(ParameterSet params, Runnable step) {
        params.zeroGrad();
        step.run();
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Parameter p : params.list()) {
            out.put(p.name(), p.copyGrad());
        }
        params.zeroGrad();
        return out;
    }

    @Test
    void aStepWithANonFiniteGradientIsSkipped() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LoraAdapter fresh = LoraAdapter.create(w, LoraConfig.attention(2, 4, 0.0, "tiny-llama"), 5, m)) {
            String q = "model.layers.0.self_attn.q_proj.weight";
            float[] nanA = new float[(int) fresh.pairs().get(q).a().size()];
            java.util.Arrays.fill(nanA, Float.NaN);
            try (LoraAdapter a = fresh.withValues(Map.of(LoraAdapter.peftKey(q, true), nanA), m)) {
                SftSequence s = new SftSequence(new int[] {5, 6, 7, 8}, new int[] {-100, -100, 7, 8});
                SftTask task = new SftTask(w, a, CausalLmGradients.loraParameters(a), List.of(s), 1, m);
                TrainConfig cfg = TrainConfig.builder().epochs(1).batchSize(1).learningRate(1e-2).weightDecay(0.01)
                        .optimizer(TrainConfig.OptimizerKind.ADAMW).clipNorm(1).skipNonFiniteSteps(1).build();
                TrainResult r = new Trainer(cfg).fit(task, TrainHooks.none());
                assertEquals(1, r.skippedSteps());
                // B stays exactly zero: no update, no weight decay.
                for (LoraAdapter.Pair p : a.pairs().values()) {
                    assertEquals(0f, p.b().abs().max().getFloat());
                }
            }
        }
    }

    @Test
    void fullFineTuningLowersTheAnswerLoss() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(TINY, m);
             DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
             LlmTokenizer tok = LlmTokenizer.load(TINY)) {
            List<SftExample> ex = List.of(new SftExample("Heat (1995)", " crime"), new SftExample("Casino", " crime"));
            SftConfig cfg = SftConfig.builder().mode(SftConfig.Mode.FULL).epochs(5).batchSize(2).learningRate(5e-3)
                    .warmupSteps(0).maxLength(32).seed(2).build();
            float[] l = new SftTrainer(cfg).trainFull(w, SftTrainer.encode(tok, ex, w.config(), 32), null, TrainHooks.none(), m)
                    .losses();
            assertEquals(5, l.length);
            assertTrue(l[4] < 0.5f * l[0], l[0] + " -> " + l[4]);
            // Training changed the copy; the loaded weights keep their values.
            assertTrue(maxAbsDiff(loaded.get("model.norm.weight").toFloatArray(), w.get("model.norm.weight").toFloatArray()) > 0f);
        }
    }
}
