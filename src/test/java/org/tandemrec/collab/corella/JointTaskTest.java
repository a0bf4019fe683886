package org.tandemrec.collab.corella;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;
import org.tandemrec.crm.ctr.CtrFeatures;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.DcnV2Config;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.CorellaPrompts;
import org.tandemrec.prompt.PromptConfig;
import org.tandemrec.prompt.PromptStyle;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;

/** Stage 2's one graph through the LLM, the DCNv2 and the alignment heads. */
class JointTaskTest {
    private static final List<ItemInfo> ITEMS = List.of(new ItemInfo("Heat", List.of("crime"), ""),
            new ItemInfo("Casino", List.of("crime"), ""), new ItemInfo("Up", List.of("family"), ""),
            new ItemInfo("Jaws", List.of("thriller"), ""));
    private static final ClickExamples DATA = new ClickExamples(new int[] {0, 1, 2, 0}, new int[] {1, 2, 3, 2},
            new int[][] {{0}, {1, 3}, {}, {0, 1}}, new float[][] {{4}, {5, 2}, {}, {4, 3}}, new float[] {1, 0, 1, 0});

    private static final class Setup implements AutoCloseable {
        final NDManager m = NDManager.newBaseManager();
        final DecoderWeights weights;
        final LoraAdapter adapter;
        final DcnV2 crm;
        final LayerAlignment align;
        final JointTask task;
        final List<SftSequence> seqs = new ArrayList<>();

        Setup(JointTask.Weights w) throws Exception {
            this(w, false);
        }

        Setup(JointTask.Weights w, boolean normalize) throws Exception {
            weights = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m);
            LlmTokenizer tok = LlmTokenizer.load(Fixtures.path("hf/tiny-llama"));
            adapter = LoraAdapter.create(weights, new LoraConfig(2, 4, 0.0, List.of("q_proj", "v_proj"), ""), 3, m);
            CtrFeatures f = CtrFeatures.encode(3, 4, ITEMS, List.of(UserProfile.EMPTY, UserProfile.EMPTY, UserProfile.EMPTY));
            DcnV2Config c = new DcnV2Config(4, 2, DcnV2Config.CrossKind.FULL, 2, 1, List.of(8),
                    DcnV2Config.Structure.STACKED, 5, 0.05);
            crm = DcnV2.initial(f, new int[][] {{0}, {1}, {}}, c, 11);
            align = new LayerAlignment(LayerAlignment.evenlySpaced(2, 2), 64, f.numFields() * 4, 6, 2, normalize, 5);
            ClickLanguageModel lm = new ClickLanguageModel(new Decoder(weights, adapter), tok,
                    new CorellaPrompts(new PromptConfig(30, 200, "movie", "movies", "watched", "watch"), ITEMS,
                            List.of(), t -> 0), PromptStyle.TEXT_ONLY, 4);
            for (int k = 0; k < DATA.size(); k++) {
                seqs.add(lm.sequence(DATA, k));
            }
            task = new JointTask(weights, adapter, crm, align, DATA, seqs, w, 0.5);
        }

        @Override
        public void close() {
            adapter.close();
            m.close();
        }
    }

    /**
     * The alignment term against the formula computed here in plain Java: the decoder's hidden
     * state of each aligned block at the last prompt token and the DCNv2's cross-layer outputs,
     * each projected by its head, squared distance, mean over the batch, summed over pairs.
     */
    @Test
    void alignmentTermIsTheFormulaAtTheLastPromptToken() throws Exception {
        for (boolean normalize : new boolean[] {false, true}) {
            alignmentTermIsTheFormula(normalize);
        }
    }

    private static void alignmentTermIsTheFormula(boolean normalize) throws Exception {
        try (Setup s = new Setup(new JointTask.Weights(0, 0, 1), normalize)) {
            int[] all = {0, 1, 2, 3};
            s.task.trainBatch(all, 0, new SplittableRandom(1));
            double got = s.task.lastTerms()[2];

            List<int[]> ids = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            s.seqs.forEach(q -> {
                ids.add(q.ids());
                labels.add(q.labels());
            });
            TrainBatch b = TrainBatch.leftPadded(ids, labels, 1);
            int t = b.ids()[0].length;
            double expected = 0;
            try (NDManager m = s.m.newSubManager()) {
                DecoderOutput o = new Decoder(s.weights, s.adapter).forward(m, b.ids(), b.mask(), b.positions(), null, true);
                Map<String, NDArray> cross = s.crm.intermediates(m, DATA.users(), DATA.items(), DATA.histories());
                List<Parameter> heads = s.align.parameters();
                for (int j = 0; j < s.align.pairs().size(); j++) {
                    LayerAlignment.Pair p = s.align.pairs().get(j);
                    float[] h = o.hiddenStates().get(p.llmBlock()).get(new NDIndex(":, {}, :", t - 2)).toFloatArray();
                    float[] x = cross.get("cross_" + p.crossLayer()).toFloatArray();
                    int width = x.length / 4;
                    double sum = 0;
                    for (int i = 0; i < 4; i++) {
                        float[] a = project(h, i * 64, 64, heads.get(4 * j), heads.get(4 * j + 1), normalize);
                        float[] c = project(x, i * width, width, heads.get(4 * j + 2), heads.get(4 * j + 3), normalize);
                        for (int k = 0; k < a.length; k++) {
                            sum += (a[k] - c[k]) * (a[k] - c[k]);
                        }
                    }
                    expected += sum / 4;
                }
            }
            assertTrue(expected > 1e-3, "a non-trivial distance to compare");
            assertEquals(expected, got, 1e-4 * expected);
            if (normalize) {
                assertTrue(got <= 4 * s.align.pairs().size(), "unit vectors are at most 2 apart: " + got);
            }
        }
    }

    private static float[] project(float[] x, int offset, int n, Parameter w, Parameter b, boolean normalize) {
        int d = w.cols();
        float[] out = new float[d];
        double norm = 0;
        for (int c = 0; c < d; c++) {
            double v = b.value()[c];
            for (int k = 0; k < n; k++) {
                v += x[offset + k] * w.value()[k * d + c];
            }
            out[c] = (float) v;
            norm += v * v;
        }
        if (normalize) {
            for (int c = 0; c < d; c++) {
                out[c] = (float) (out[c] / Math.sqrt(norm));
            }
        }
        return out;
    }

    @Test
    void oneBackwardReachesEveryPartAndTheAlignmentShrinks() throws Exception {
        try (Setup s = new Setup(new JointTask.Weights(1, 1, 1))) {
            s.task.trainBatch(new int[] {0, 1, 2, 3}, 0, new SplittableRandom(1));
            for (Parameter p : s.task.parameters().list()) {
                if (p.rowSparse()) {
                    continue;
                }
                double norm = 0;
                if (p.isTensor()) {
                    for (float g : p.tensorGrad().toFloatArray()) {
                        norm += g * g;
                    }
                } else {
                    for (float g : p.grad()) {
                        norm += g * g;
                    }
                }
                // LoRA's A gets no gradient while B is still zero (B starts at zero, as PEFT's).
                boolean loraA = p.name().contains("lora_A");
                assertTrue(loraA ? norm == 0 : norm > 0, p.name() + " " + norm);
            }
        }
        try (Setup s = new Setup(new JointTask.Weights(0, 0, 1))) {
            s.task.trainBatch(new int[] {0, 1, 2, 3}, 0, new SplittableRandom(1));
            double before = s.task.lastTerms()[2];
            s.task.parameters().list().forEach(Parameter::zeroGrad);
            TrainConfig c = TrainConfig.builder().epochs(30).batchSize(4).learningRate(1e-2).seed(3).checkpointEvery(0)
                    .build();
            new Trainer(c).fit(s.task, new TrainHooks(null, null, false, false));
            s.task.trainBatch(new int[] {0, 1, 2, 3}, 0, new SplittableRandom(1));
            assertTrue(s.task.lastTerms()[2] < 0.5 * before, before + " -> " + s.task.lastTerms()[2]);
        }
    }
}
