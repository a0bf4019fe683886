package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;

/**
 * The LM head at the loss positions with row-sparse ID rows against the reference computation
 * (logits at every position, dense rows) on the tiny fixture models: the same loss and the same
 * gradients of LoRA matrices, base weights and the ID rows the batch touches; the rows it does not
 * touch are the gradient the lazy update drops.
 */
class CausalLmGradientsTest {
    private static final int FIRST_ID = 590;
    private static final int H = 64;

    /**
     * Relative to a tensor's largest gradient entry: the two paths multiply different shapes
     * ([N, H] against [B·T, H] rows), so the matrix kernels block and sum differently; measured
     * about 1e-6, while a wrong position, target or weighting moves gradients by percents.
     */
    private static final float RTOL = 1e-4f;

    /** Two micro-batches, left-padded, with ID tokens in the prompts and as an answer, and a base-token answer. */
    private static List<TrainBatch> batches() {
        int[] a = {5, 591, 17, 593, 40, 9, 597};
        int[] b = {8, 592, 11, 12, 30};
        int[] c = {7, 594, 598, 21, 22, 23, 24, 25, 33};
        return List.of(
                TrainBatch.leftPadded(List.of(a, b), List.of(answer(a, 1), answer(b, 1)), 1),
                TrainBatch.leftPadded(List.of(c), List.of(answer(c, 2)), 1));
    }

    /** Labels −100 on all but the last {@code n} tokens. */
    private static int[] answer(int[] ids, int n) {
        int[] labels = new int[ids.length];
        Arrays.fill(labels, -100);
        System.arraycopy(ids, ids.length - n, labels, ids.length - n, n);
        return labels;
    }

    private static final int[] TOUCHED = {591, 592, 593, 594, 597, 598};

    @Test
    void loraAndIdRowsMatchTheFullLogitsOnAnUntiedModel() throws Exception {
        loraAndIdRowsMatch("hf/tiny-llama");
    }

    @Test
    void loraAndIdRowsMatchTheFullLogitsOnATiedModel() throws Exception {
        loraAndIdRowsMatch("hf/tiny-qwen2");
    }

    private static void loraAndIdRowsMatch(String fixture) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(Fixtures.path(fixture), m);
             LoraAdapter a = nonZeroAdapter(loaded, m)) {
            DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
            boolean tied = w.config().tieWordEmbeddings();
            List<Parameter> dense = new ArrayList<>(CausalLmGradients.loraParameters(a));
            dense.add(Parameter.tensor("model.embed_tokens.weight", w.get("model.embed_tokens.weight"), FIRST_ID));
            if (!tied) {
                dense.add(Parameter.tensor("lm_head.weight", w.get("lm_head.weight"), FIRST_ID));
            }
            List<Parameter> sparse = new ArrayList<>(CausalLmGradients.loraParameters(a));
            sparse.addAll(CausalLmGradients.tokenRowParameters(w, FIRST_ID));
            assertEquals(dense.size(), sparse.size());
            float[] loss = new float[2];
            Map<String, float[]> ref = gradients(sparse.size(), dense, () -> loss[0] = new CausalLmGradients(
                    new Decoder(w, a), dense, CausalLmGradients.Head.ALL_POSITIONS).accumulate(m, batches()));
            Map<String, float[]> got = gradients(sparse.size(), sparse,
                    () -> loss[1] = new CausalLmGradients(new Decoder(w, a), sparse).accumulate(m, batches()));
            assertEquals(loss[0], loss[1], 1e-6 * Math.abs(loss[0]));
            for (Parameter p : sparse) {
                float[] r = ref.get(p.name());
                float[] g = got.get(p.name());
                if (p.kind() != Parameter.Kind.ROW_SPARSE_TENSOR) {
                    assertClose(r, g, p.name());
                    continue;
                }
                assertClose(rows(r, TOUCHED), rows(g, TOUCHED), p.name() + " touched rows");
                float[] untouchedRef = rows(r, untouched());
                float[] untouchedGot = rows(g, untouched());
                assertEquals(0f, maxAbs(untouchedGot), p.name() + ": rows outside the batch get no gradient");
                // Only the head gives the rows outside the batch a gradient: that is what the lazy update drops.
                boolean readByHead = tied || p.name().equals("lm_head.weight");
                assertEquals(readByHead, maxAbs(untouchedRef) > 0f, p.name() + " reference gradient of rows outside the batch");
            }
        }
    }

    @Test
    void fullFineTuningWithIdRowsMatchesTheFullLogits() throws Exception {
        for (String fixture : new String[] {"hf/tiny-llama", "hf/tiny-qwen2"}) {
            try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(Fixtures.path(fixture), m)) {
                DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
                List<Parameter> dense = CausalLmGradients.allParameters(w);
                List<Parameter> split = CausalLmGradients.allParameters(w, FIRST_ID);
                int vocabMatrices = w.config().tieWordEmbeddings() ? 1 : 2;
                assertEquals(dense.size() + vocabMatrices, split.size());
                float[] loss = new float[2];
                Map<String, float[]> ref = gradients(dense.size(), dense, () -> loss[0] = new CausalLmGradients(
                        new Decoder(w, null), dense, CausalLmGradients.Head.ALL_POSITIONS).accumulate(m, batches()));
                Map<String, float[]> got = gradients(split.size(), split,
                        () -> loss[1] = new CausalLmGradients(new Decoder(w, null), split).accumulate(m, batches()));
                assertEquals(loss[0], loss[1], 1e-6 * Math.abs(loss[0]), fixture);
                for (Parameter p : split) {
                    String whole = p.name().replaceAll("\\[.*\\]$", "");
                    float[] r = ref.get(whole);
                    float[] g = got.get(p.name());
                    if (p.kind() == Parameter.Kind.ROW_SPARSE_TENSOR) {
                        assertClose(rows(r, TOUCHED), rows(g, TOUCHED), fixture + " " + p.name() + " touched rows");
                        assertEquals(0f, maxAbs(rows(g, untouched())), p.name());
                    } else if (!whole.equals(p.name())) {
                        assertEquals(whole + "[0:590]", p.name());
                        assertClose(Arrays.copyOf(r, FIRST_ID * H), g, fixture + " " + p.name());
                    } else {
                        assertClose(r, g, fixture + " " + p.name());
                    }
                }
            }
        }
    }

    @Test
    void preTrainingBatchesGiveTheSameGradientsAtEveryPosition() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
            int[] x = {3, 50, 7, 120, 9, 400, 11, 250};
            int[] y = {4, 60, 8, 130, 10};
            List<TrainBatch> b = List.of(TrainBatch.leftPadded(List.of(x, y), List.of(x, y), 1));
            List<Parameter> params = CausalLmGradients.allParameters(w);
            float[] loss = new float[2];
            Map<String, float[]> ref = gradients(params.size(), params, () -> loss[0] = new CausalLmGradients(
                    new Decoder(w, null), params, CausalLmGradients.Head.ALL_POSITIONS).accumulate(m, b));
            Map<String, float[]> got = gradients(params.size(), params,
                    () -> loss[1] = new CausalLmGradients(new Decoder(w, null), params).accumulate(m, b));
            assertEquals(loss[0], loss[1], 1e-6 * Math.abs(loss[0]));
            for (Parameter p : params) {
                assertClose(ref.get(p.name()), got.get(p.name()), p.name());
            }
        }
    }

    /**
     * A frozen LM head's loss in chunks of rows (as LoRA training computes it for a large
     * vocabulary) equals the loss of the whole [rows, V] logits, and so does the gradient it
     * sends back into the model (here the final norm's weight, the only leaf).
     */
    @Test
    void aFrozenHeadsLossInChunksEqualsTheWholeLossAndItsGradient() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            Decoder d = new Decoder(w, null);
            int[] a = {5, 17, 40, 9, 33, 21, 22, 23, 24, 25, 26};
            int[] b = {8, 11, 12, 30, 31, 32, 34};
            TrainBatch batch = TrainBatch.leftPadded(List.of(a, b), List.of(a, b), 1);
            NDArray norm = w.get("model.norm.weight");
            float[] loss = new float[2];
            float[][] grad = new float[2][];
            int[] chunkRows = {Integer.MAX_VALUE, 4}; // 17 loss rows: whole, then pieces of 4, 4, 4, 4 and 1
            for (int k = 0; k < 2; k++) {
                norm.setRequiresGradient(true);
                try (NDManager fm = m.newSubManager();
                     ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    NDArray l = d.causalLmLoss(fm, batch, null, null, chunkRows[k]);
                    gc.backward(l);
                    loss[k] = l.getFloat();
                    NDArray g = norm.getGradient();
                    grad[k] = g.toFloatArray();
                    g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // autograd adds the next backward's to it
                } finally {
                    norm.setRequiresGradient(false);
                }
            }
            assertEquals(17, Decoder.LossPositions.of(batch.labels(), batch.ids()[0].length, 1000).rows().length);
            assertEquals(loss[0], loss[1], 1e-6 * loss[0]);
            float max = 0;
            for (float g : grad[0]) {
                max = Math.max(max, Math.abs(g));
            }
            for (int i = 0; i < grad[0].length; i++) {
                assertEquals(grad[0][i], grad[1][i], RTOL * max, "norm weight " + i);
            }
            assertEquals(128, Decoder.headChunkRows(32000));
            assertEquals(1 << 10, Decoder.headChunkRows(3000), "the demo model's 1,024 rows stay whole");
        }
    }

    @Test
    void theLossAtLossPositionsIsTheFullLogitsLoss() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            Decoder d = new Decoder(w, null);
            for (TrainBatch b : batches()) {
                float full = Decoder.causalLmLoss(m, d.forward(m, b.ids(), b.mask(), b.positions(), null, false).logits(),
                        b.labels()).getFloat();
                assertEquals(full, d.causalLmLoss(m, b).getFloat(), 1e-6 * full);
            }
            int[] ids = {5, 6, 7};
            TrainBatch none = TrainBatch.leftPadded(List.of(ids), List.of(new int[] {5, -100, -100}), 1);
            var e = assertThrows(IllegalArgumentException.class, () -> d.causalLmLoss(m, none));
            assertTrue(e.getMessage().contains("no label"), e.getMessage());
            TrainBatch outside = TrainBatch.leftPadded(List.of(ids), List.of(new int[] {-100, -100, 600}), 1);
            e = assertThrows(IllegalArgumentException.class, () -> d.causalLmLoss(m, outside));
            assertTrue(e.getMessage().contains("label 600"), e.getMessage());
        }
    }

    @Test
    void rowSparseParametersMustBeVocabularyRowsAtLossPositions() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
            List<Parameter> rows = CausalLmGradients.tokenRowParameters(w, FIRST_ID);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new CausalLmGradients(new Decoder(w, null), rows, CausalLmGradients.Head.ALL_POSITIONS));
            assertTrue(e.getMessage().contains("loss positions"), e.getMessage());
            Parameter other = Parameter.rowSparseTensor("q", w.get("model.layers.0.self_attn.q_proj.weight"), 3);
            e = assertThrows(IllegalArgumentException.class, () -> new CausalLmGradients(new Decoder(w, null), List.of(other)));
            assertTrue(e.getMessage().contains("embedding or LM head"), e.getMessage());
            List<Parameter> overlapping = new ArrayList<>(rows);
            overlapping.add(Parameter.tensor("model.embed_tokens.weight[0:600]", w.get("model.embed_tokens.weight"), 0));
            e = assertThrows(IllegalArgumentException.class, () -> new CausalLmGradients(new Decoder(w, null), overlapping));
            assertTrue(e.getMessage().contains("rows before"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CausalLmGradients.allParameters(w, 600));
        }
    }

    /** An adapter whose B matrices are not zero, so that every LoRA matrix has a gradient. */
    private static LoraAdapter nonZeroAdapter(DecoderWeights w, NDManager m) {
        try (LoraAdapter fresh = LoraAdapter.create(w, LoraConfig.attention(4, 8, 0.0, ""), 3, m)) {
            Map<String, float[]> b = new LinkedHashMap<>();
            SplittableRandom r = new SplittableRandom(2);
            fresh.pairs().forEach((k, p) -> {
                float[] v = new float[(int) p.b().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextDouble() - 0.5) * 0.1f;
                }
                b.put(LoraAdapter.peftKey(k, false), v);
            });
            return fresh.withValues(b, m);
        }
    }

    /** The gradients {@code step} adds into freshly zeroed parameters, by name, as dense arrays. */
    private static Map<String, float[]> gradients(int expected, List<Parameter> params, Runnable step) {
        ParameterSet set = new ParameterSet(params);
        assertEquals(expected, params.size());
        set.zeroGrad();
        step.run();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            out.put(p.name(), p.copyGrad());
        }
        set.zeroGrad();
        return out;
    }

    private static int[] untouched() {
        return java.util.stream.IntStream.range(FIRST_ID, 600).filter(id -> Arrays.binarySearch(TOUCHED, id) < 0).toArray();
    }

    /** Rows {@code ids} (vocabulary ids) of a gradient over rows from {@value #FIRST_ID}, or over the whole vocabulary. */
    private static float[] rows(float[] grad, int[] ids) {
        int offset = grad.length == 600 * H ? 0 : FIRST_ID;
        float[] out = new float[ids.length * H];
        for (int k = 0; k < ids.length; k++) {
            System.arraycopy(grad, (ids[k] - offset) * H, out, k * H, H);
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        float scale = Math.max(maxAbs(expected), maxAbs(actual));
        assertTrue(scale > 0, what + " has no gradient");
        float diff = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= RTOL * scale, what + " differs by " + diff + ", more than " + RTOL + " of " + scale);
    }

    private static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void rowsOfTheBatchGetTheirRowsOfTheWholeGradient() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m)) {
            DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
            int[] ids = {5, 591, 592, 593, 7, 595, 12};
            TrainBatch b = TrainBatch.leftPadded(List.of(ids), List.of(ids), 1);
            Parameter whole = Parameter.tensor("model.embed_tokens.weight", w.get("model.embed_tokens.weight"), 0);
            new CausalLmGradients(new Decoder(w, null), List.of(whole)).accumulate(m, List.of(b));
            float[] all = whole.copyGrad();
            List<Parameter> rows = CausalLmGradients.tokenRowParameters(w, FIRST_ID);
            new CausalLmGradients(new Decoder(w, null), rows).accumulate(m, List.of(b));
            // The untied embedding's gradient comes from the inputs alone: the batch's rows are all of it.
            assertArrayEquals(Arrays.copyOfRange(all, FIRST_ID * H, 600 * H), rows.get(0).copyGrad(), 1e-6f);
            assertEquals(4, rows.get(0).touchedCount());
            whole.zeroGrad();
            rows.forEach(Parameter::zeroGrad);
        }
    }
}
