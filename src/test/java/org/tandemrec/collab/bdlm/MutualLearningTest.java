package org.tandemrec.collab.bdlm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.Fixtures;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.llm.VocabularyExtension;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.lora.LoraConfig;
import org.tandemrec.llm.sft.SftSequence;
import org.tandemrec.llm.sft.SftTask;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.prompt.BdlmPrompts;
import org.tandemrec.prompt.IdTokens;
import org.tandemrec.prompt.PromptConfig;
import org.tandemrec.prompt.PromptStyle;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/** The LLM and the CRM take turns, each moving itself and the sharing module only, and a killed run resumes exactly. */
class MutualLearningTest {
    private static final int USERS = 3;
    private static final int ITEMS = 4;
    private static final int[][] SEQUENCES = {{0, 1, 2}, {1, 3, 0}, {2, 0, 3}};

    @TempDir
    Path dir;

    /** Everything one run owns, built the same way for every run of a test. */
    private static final class Setup implements AutoCloseable {
        final NDManager m = NDManager.newBaseManager();
        final VocabularyExtension.Extended ext;
        final LoraAdapter adapter;
        final SftTask sft;
        final FeatureEnhancedCrm drs;
        final SharingModule share;
        final MutualLearning task;
        final Parameter idRows;

        Setup(double lambda) throws Exception {
            DecoderWeights base = DecoderWeights.load(Fixtures.path("hf/tiny-llama"), m);
            LlmTokenizer tok = LlmTokenizer.load(Fixtures.path("hf/tiny-llama"));
            SplittableRandom r = new SplittableRandom(4);
            float[][] rows = new float[USERS + ITEMS][64];
            for (float[] row : rows) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (0.05 * r.nextGaussian());
                }
            }
            ext = new VocabularyExtension(IdTokens.all(USERS, ITEMS), rows, rows).apply(tok, base, m);
            adapter = LoraAdapter.create(ext.weights(), new LoraConfig(2, 4, 0.0, List.of("q_proj", "v_proj"), ""), 3, m);
            List<Parameter> params = new ArrayList<>(CausalLmGradients.loraParameters(adapter));
            params.addAll(CausalLmGradients.tokenRowParameters(ext.weights(), ext.firstId()));
            idRows = params.get(params.size() - 2); // the embedding rows (the untied head's follow)
            List<ItemInfo> info = List.of(new ItemInfo("Heat", List.of(), ""), new ItemInfo("Casino", List.of(), ""),
                    new ItemInfo("Up", List.of(), ""), new ItemInfo("Jaws", List.of(), ""));
            BdlmPrompts prompts = new BdlmPrompts(PromptConfig.movies(200).withHistoryItems(2), info, t -> 0);
            BdlmLanguageModel lm = new BdlmLanguageModel(new Decoder(ext.weights(), adapter), ext.tokenizer(), prompts,
                    PromptStyle.ID_TOKENS, ext.firstId(), USERS, 4);
            List<BdlmExample> examples = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                examples.add(new BdlmExample(BdlmExample.Task.INTERACTION, u, 1, SEQUENCES[u][1], true, new int[0]));
                examples.add(new BdlmExample(BdlmExample.Task.TOPK, u, 2, SEQUENCES[u][2], true,
                        new int[] {SEQUENCES[u][2], (SEQUENCES[u][2] + 1) % ITEMS}));
            }
            List<SftSequence> seqs = new ArrayList<>();
            for (BdlmExample e : examples) {
                seqs.add(lm.sequence(e, SEQUENCES, 1));
            }
            sft = new SftTask(ext.weights(), adapter, params, seqs, 2, m);
            float[][] users = java.util.Arrays.copyOf(rows, USERS);
            float[][] items = java.util.Arrays.copyOfRange(rows, USERS, USERS + ITEMS);
            drs = FeatureEnhancedCrm.initial(users, items, 64, 8, 2);
            share = new SharingModule(users, items);
            DrsPairs pairs = new DrsPairs(new int[] {0, 0, 1, 2}, new int[] {1, 3, 3, 1}, new float[] {1, 0, 1, 0},
                    new int[][] {{0}, {0}, {1}, {2}});
            task = new MutualLearning(sft, examples, seqs.stream().mapToInt(SftSequence::length).toArray(), idRows, ext.firstId() - idRows.firstRow(), USERS, drs, pairs, lm, share,
                    lambda, 2, 2, 2, 0.5, 7, m);
        }

        @Override
        public void close() {
            ext.close();
            adapter.close();
            m.close();
        }
    }

    private static TrainConfig config() {
        return TrainConfig.builder().epochs(1).batchSize(1).learningRate(1e-2)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).checkpointEvery(2).seed(5).build();
    }

    private static List<float[]> values(List<Parameter> ps) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(p.copyValues());
        }
        return out;
    }

    private static void assertSame(List<float[]> a, List<float[]> b, String what) {
        for (int k = 0; k < a.size(); k++) {
            assertArrayEquals(a.get(k), b.get(k), what + " " + k);
        }
    }

    @Test
    void eachTurnMovesItsSideAndTheSharingModuleOnly() throws Exception {
        try (Setup s = new Setup(1.0)) {
            // rounds × (3 LLM steps of 2 sequences + 2 CRM steps of 2 pairs)
            assertEquals(2 * (3 + 2), s.task.totalSteps());
            List<float[]> drsBefore = values(s.drs.parameters().list());
            List<float[]> shareBefore = values(List.of(s.share.users(), s.share.items()));
            List<float[]> llmBefore = values(s.sft.parameters().list());
            // the first three steps are the LLM's: stop the run after them
            new Trainer(config()).fit(s.task, TrainHooks.none().withStop(step -> step == 3));
            assertSame(drsBefore, values(s.drs.parameters().list()), "CRM parameter moved on the LLM's turn:");
            // M starts equal to the ID rows: it moves once rows it holds have moved (items seen in two steps)
            assertFalse(java.util.Arrays.equals(shareBefore.get(1), s.share.items().copyValues()), "M pulled by the LLM");
            assertFalse(java.util.Arrays.equals(llmBefore.get(llmBefore.size() - 2), s.idRows.copyValues()), "ID rows train");
        }
        try (Setup s = new Setup(1.0)) {
            TrainHooks hooks = TrainHooks.none().withCheckpoint(dir.resolve("a.ckpt"), true);
            new Trainer(config()).fit(s.task, hooks.withStop(step -> step == 3));
            List<float[]> llmAfterTurn = values(s.sft.parameters().list());
            new Trainer(config()).fit(s.task, hooks.withStop(step -> step == 5));
            assertSame(llmAfterTurn, values(s.sft.parameters().list()), "LLM parameter moved on the CRM's turn:");
        }
    }

    @Test
    void theTimingPutsEachPartInItsOwnAccount() throws Exception {
        try (Setup s = new Setup(1.0)) {
            // stop after round 0's CRM turn: the features were computed once, never refreshed
            new Trainer(config()).fit(s.task, TrainHooks.none().withStop(step -> step == 5));
            MutualLearning.Timing t = s.task.timing();
            assertTrue(t.llmTaskSeconds() > 0 && t.crmTaskSeconds() > 0 && t.firstFeaturesSeconds() > 0, t.toString());
            assertTrue(t.pullSeconds() > 0, "λ > 0 pulls towards M: " + t);
            assertEquals(0.0, t.refreshSeconds(), "no later CRM turn yet: " + t);
        }
        try (Setup s = new Setup(0.0)) {
            new Trainer(config()).fit(s.task, TrainHooks.none());
            MutualLearning.Timing t = s.task.timing();
            assertEquals(0.0, t.pullSeconds(), "λ = 0 never pulls: " + t);
            assertTrue(t.refreshSeconds() > 0, "round 1's CRM turn reads the LLM as it is then: " + t);
            assertEquals(t.refreshSeconds() / (10 - t.refreshSeconds()), t.overhead(10), 1e-12);
        }
    }

    @Test
    void withoutTheMutualLossTheSharingModuleStays() throws Exception {
        try (Setup s = new Setup(0.0)) {
            List<float[]> shareBefore = values(List.of(s.share.users(), s.share.items()));
            new Trainer(config()).fit(s.task, TrainHooks.none());
            assertSame(shareBefore, values(List.of(s.share.users(), s.share.items())), "M moved with λ = 0:");
        }
    }

    @Test
    void aKilledRunResumesToTheSameModels() throws Exception {
        List<float[]> whole;
        try (Setup s = new Setup(1.0)) {
            new Trainer(config()).fit(s.task, TrainHooks.none());
            whole = values(s.task.parameters().list());
        }
        Path ckpt = dir.resolve("b.ckpt");
        try (Setup s = new Setup(1.0)) {
            TrainingTask crashing = new Crashing(s.task, 7); // inside the second round's CRM turn
            assertThrows(IllegalStateException.class,
                    () -> new Trainer(config()).fit(crashing, TrainHooks.none().withCheckpoint(ckpt, true)));
        }
        try (Setup s = new Setup(1.0)) {
            new Trainer(config()).fit(s.task, TrainHooks.none().withCheckpoint(ckpt, true));
            assertSame(whole, values(s.task.parameters().list()), "resumed run differs at parameter");
        }
    }

    /** The task, failing at one step as a killed process would. */
    private record Crashing(MutualLearning inner, long failAt) implements TrainingTask {
        @Override public String modelName() { return inner.modelName(); }
        @Override public String configFingerprint() { return inner.configFingerprint(); }
        @Override public org.tandemrec.train.ParameterSet parameters() { return inner.parameters(); }
        @Override public int numExamples() { return inner.numExamples(); }
        @Override public java.util.Set<Parameter> trainedAt(long step) { return inner.trainedAt(step); }
        @Override public double learningRateScale(Parameter p) { return inner.learningRateScale(p); }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            if (step == failAt) {
                throw new IllegalStateException("killed");
            }
            return inner.trainBatch(batch, step, random);
        }
    }
}
