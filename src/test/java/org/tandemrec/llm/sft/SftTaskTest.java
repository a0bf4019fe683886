package org.tandemrec.llm.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.GoldenCheck;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.LlamaConfig;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.Parameter;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.TrainResult;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/** SFT through the shared trainer: PyTorch's numbers, bit-identical resume, and seeded determinism. */
class SftTaskTest {
    static final Path FIX = Fixtures.path("");
    static final Path TINY = FIX.resolve("hf/tiny-llama");

    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    /** The golden's rows without their left padding. */
    static List<SftSequence> goldenSequences(JsonNode c) {
        int[][] ids = GoldenCheck.ints2(c.get("input_ids"));
        int[][] mask = GoldenCheck.ints2(c.get("attention_mask"));
        int[][] labels = GoldenCheck.ints2(c.get("labels"));
        List<SftSequence> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            int pad = 0;
            while (mask[i][pad] == 0) {
                pad++;
            }
            out.add(new SftSequence(Arrays.copyOfRange(ids[i], pad, ids[i].length), Arrays.copyOfRange(labels[i], pad, labels[i].length)));
        }
        return out;
    }

    /**
     * The trainer's AdamW steps on the SFT task reproduce torch.optim.AdamW on PyTorch autograd
     * (lora-sft-golden.json), also when the batch of two rows is accumulated from two micro-batches.
     */
    @ParameterizedTest
    @CsvSource({"single, 1", "left_padded_batch, 2", "left_padded_batch, 1"})
    void trainerStepsMatchPyTorch(String name, int microBatch) throws Exception {
        JsonNode root = new ObjectMapper().readTree(FIX.resolve("lora-sft-golden.json").toFile());
        double tol = root.get("tolerance_abs").asDouble();
        JsonNode opt = root.get("optimizer");
        JsonNode c = root.get(name);
        List<SftSequence> seqs = goldenSequences(c);
        // One step per epoch over the same rows: the loss of epoch e is the loss after e steps.
        TrainConfig cfg = TrainConfig.builder().epochs(3).batchSize(seqs.size()).learningRate(opt.get("lr").asDouble())
                .betas(opt.get("betas").get(0).asDouble(), opt.get("betas").get(1).asDouble())
                .epsilon(opt.get("eps").asDouble()).weightDecay(opt.get("weight_decay").asDouble())
                .optimizer(TrainConfig.OptimizerKind.ADAMW).schedule(TrainConfig.ScheduleKind.CONSTANT).seed(1).build();
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights w = DecoderWeights.load(TINY, m);
             LoraAdapter a = LoraAdapter.load(FIX.resolve("hf/tiny-llama-lora"), w, m)) {
            SftTask task = new SftTask(w, a, CausalLmGradients.loraParameters(a), seqs, microBatch, m);
            TrainResult r = new Trainer(cfg).fit(task, TrainHooks.none());
            assertEquals(c.get("loss").asDouble(), r.losses()[0], tol);
            JsonNode after = c.get("loss_after_each_adamw_step");
            assertEquals(after.get(0).asDouble(), r.losses()[1], tol);
            assertEquals(after.get(1).asDouble(), r.losses()[2], tol);
            assertEquals(after.get(2).asDouble(), task.validationLoss(seqs), tol);
            float[] want = GoldenCheck.floats(c.get("lora_A_layer0_q_after_steps_first4"));
            float[] got = a.pairs().get("model.layers.0.self_attn.q_proj.weight").a().toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], tol, "lora_A q layer 0 [" + i + "]");
            }
        }
    }

    private static List<SftSequence> examples(LlmTokenizer tok, LlamaConfig c) {
        List<SftExample> ex = List.of(new SftExample("Heat (1995)", " crime"), new SftExample("Casino", " crime drama"),
                new SftExample("Toy Story (1995)", " animation"), new SftExample("user 12 watched Heat", " yes"),
                new SftExample("user 3 watched", " Toy Story"), new SftExample("Fargo (1996) is a", " crime comedy"),
                new SftExample("Babe (1995)", " family"));
        return SftTrainer.encode(tok, ex, c, 24);
    }

    /** LoRA with dropout plus trainable ID-token rows, accumulation and clipping: every random path is exercised. */
    private static SftConfig config(long seed) {
        return SftConfig.builder().loraRank(4).loraAlpha(8).loraDropout(0.2).idTokenRowsFrom(590).epochs(3).batchSize(2)
                .gradAccumulation(2).learningRate(2e-2).weightDecay(0.01).warmupSteps(2).clipNorm(0.5).maxLength(24)
                .checkpointEvery(2).seed(seed).build();
    }

    /** One run from fresh state: the model, a new adapter, the task. */
    private record Run(DecoderWeights weights, LoraAdapter adapter, SftTask task) implements AutoCloseable {
        static Run start(SftConfig cfg, long adapterSeed, NDManager m, DecoderWeights loaded, List<SftSequence> data) {
            DecoderWeights w = loaded.with(loaded.config(), Map.of(), m);
            LoraAdapter a = LoraAdapter.create(w, cfg.loraConfig("tiny-llama"), adapterSeed, m);
            List<Parameter> p = new ArrayList<>(CausalLmGradients.loraParameters(a));
            p.addAll(CausalLmGradients.tokenRowParameters(w, cfg.idTokenRowsFrom()));
            return new Run(w, a, new SftTrainer(cfg).task(w, a, p, data, m));
        }

        float[] values(String peftKey) {
            for (var e : adapter.pairs().entrySet()) {
                if (LoraAdapter.peftKey(e.getKey(), true).equals(peftKey)) {
                    return e.getValue().a().toFloatArray();
                }
            }
            throw new IllegalArgumentException(peftKey);
        }

        @Override
        public void close() {
            adapter.close();
            weights.close();
        }
    }

    /** Fails at a given call of trainBatch, as a killed process would. */
    private record Crashing(SftTask inner, int failAtCall, int[] calls) implements TrainingTask {
        @Override public String modelName() { return inner.modelName(); }
        @Override public String configFingerprint() { return inner.configFingerprint(); }
        @Override public ParameterSet parameters() { return inner.parameters(); }
        @Override public int numExamples() { return inner.numExamples(); }

        @Override
        public double trainBatch(int[] batch, long step, SplittableRandom random) {
            if (calls[0]++ == failAtCall) {
                throw new IllegalStateException("simulated crash");
            }
            return inner.trainBatch(batch, step, random);
        }
    }

    /**
     * Full fine-tuning of weights from the public loader: the float32 tensors are the read-only
     * mapped file, so the task refuses them (a write there would kill the JVM) and trains a
     * writable copy, leaving the file's weights as they were.
     */
    @Test
    void fullFineTuningRefusesTheMappedWeightsAndTrainsAWritableCopy() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY)) {
            assertTrue(loaded.hasReadOnlyTensors(), "tiny-llama is float32: its tensors wrap the mapped file");
            List<SftSequence> data = examples(tok, loaded.config());
            SftConfig cfg = SftConfig.builder().mode(SftConfig.Mode.FULL).epochs(1).batchSize(2).learningRate(1e-2)
                    .warmupSteps(0).maxLength(24).checkpointEvery(0).seed(5).build();
            SftTrainer trainer = new SftTrainer(cfg);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.trainFull(loaded, data, List.of(), TrainHooks.none(), m));
            assertTrue(e.getMessage().startsWith("weight model.embed_tokens.weight is the memory-mapped, read-only"
                    + " checkpoint (DecoderWeights.load) and cannot train in place"), e.getMessage());

            float[] before = loaded.get("model.layers.0.mlp.up_proj.weight").toFloatArray();
            try (DecoderWeights copy = loaded.writableCopy(m)) {
                assertFalse(copy.hasReadOnlyTensors());
                TrainResult r = trainer.trainFull(copy, data, List.of(), TrainHooks.none(), m);
                assertTrue(r.losses().length > 0 && Double.isFinite(r.losses()[0]), Arrays.toString(r.losses()));
                float[] after = copy.get("model.layers.0.mlp.up_proj.weight").toFloatArray();
                assertFalse(Arrays.equals(before, after), "the copy trained");
            }
            assertArrayEquals(before, loaded.get("model.layers.0.mlp.up_proj.weight").toFloatArray(),
                    "the mapped weights are untouched");
        }
    }

    @Test
    void sameSeedGivesTheSameLossesAndAnotherSeedDoesNot() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY)) {
            List<SftSequence> data = examples(tok, loaded.config());
            float[][] losses = new float[3][];
            float[][] trained = new float[3][];
            long[] seeds = {5, 5, 6};
            String key = "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight";
            for (int k = 0; k < 3; k++) {
                SftConfig cfg = config(seeds[k]);
                try (Run r = Run.start(cfg, 7, m, loaded, data)) {
                    losses[k] = new SftTrainer(cfg).fit(r.task(), null, TrainHooks.none()).losses();
                    trained[k] = r.values(key);
                }
            }
            assertEquals(6, losses[0].length); // 7 examples, 4 per step: 2 steps × 3 epochs
            assertArrayEquals(losses[0], losses[1], 0f);
            assertArrayEquals(trained[0], trained[1], 0f);
            // Another seed shuffles and drops out differently (the adapter's start is the same).
            assertFalse(Arrays.equals(losses[0], losses[2]));
        }
    }

    @Test
    void resumedRunContinuesWithTheLossesOfTheUninterruptedOne(@TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY)) {
            List<SftSequence> data = examples(tok, loaded.config());
            SftConfig cfg = config(11);
            String key = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
            float[] all;
            float[] wantA;
            float[] wantRows;
            try (Run whole = Run.start(cfg, 7, m, loaded, data)) {
                all = new SftTrainer(cfg).fit(whole.task(), null, TrainHooks.none()).losses();
                wantA = whole.values(key);
                wantRows = whole.weights().get("lm_head.weight").toFloatArray();
            }
            Path ckpt = tmp.resolve("checkpoint.bin");
            TrainHooks hooks = TrainHooks.none().withCheckpoint(ckpt, true);
            try (Run first = Run.start(cfg, 7, m, loaded, data)) {
                // Crash in the 5th step, after the checkpoint written at step 4.
                Crashing crashing = new Crashing(first.task(), 4, new int[1]);
                assertThrows(IllegalStateException.class, () -> new Trainer(cfg.trainConfig()).fit(crashing, hooks));
            }
            // A different adapter start: everything that trains must come from the checkpoint.
            try (Run resumed = Run.start(cfg, 99, m, loaded, data)) {
                TrainResult rest = new SftTrainer(cfg).fit(resumed.task(), null, hooks);
                assertEquals(4, rest.firstStep());
                assertArrayEquals(Arrays.copyOfRange(all, 4, all.length), rest.losses(), 0f);
                assertArrayEquals(wantA, resumed.values(key), 0f);
                assertArrayEquals(wantRows, resumed.weights().get("lm_head.weight").toFloatArray(), 0f);
            }
            // The checkpoint belongs to this data: other examples are refused.
            try (Run other = Run.start(cfg, 7, m, loaded, data.subList(0, 6))) {
                Exception e = assertThrows(RuntimeException.class, () -> new SftTrainer(cfg).fit(other.task(), null, hooks));
                assertTrue(e.getMessage().contains("different model or training config"), e.getMessage());
            }
            // ... and to these base weights: one value changed in a layer that does not train is refused too.
            try (DecoderWeights changed = loaded.with(loaded.config(), Map.of(), m)) {
                changed.get("model.layers.0.mlp.up_proj.weight").set(new NDIndex("0, 0"), 0.5f);
                try (Run other = Run.start(cfg, 7, m, changed, data)) {
                    Exception e = assertThrows(RuntimeException.class, () -> new SftTrainer(cfg).fit(other.task(), null, hooks));
                    assertTrue(e.getMessage().contains("different model or training config"), e.getMessage());
                }
            }
        }
    }

    @Test
    void validationLossDrivesEarlyStoppingAndTheBestEpochIsKept() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); DecoderWeights loaded = DecoderWeights.load(TINY, m);
             LlmTokenizer tok = LlmTokenizer.load(TINY)) {
            List<SftSequence> data = examples(tok, loaded.config());
            SftConfig cfg = config(3).toBuilder().epochs(4).patience(1).build();
            List<SftSequence> valid = data.subList(0, 3);
            try (Run r = Run.start(cfg, 7, m, loaded, data)) {
                double before = r.task().validationLoss(valid);
                TrainResult res = new SftTrainer(cfg).fit(r.task(), valid, TrainHooks.none());
                assertTrue(res.epochMetrics().length >= 2 && res.epochMetrics().length <= 4);
                assertEquals(res.bestMetric(), r.task().validationLoss(valid), 1e-6);
                assertTrue(res.bestMetric() < before, before + " -> " + res.bestMetric());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                try (Run r = Run.start(cfg, 7, m, loaded, data)) {
                    new SftTrainer(cfg).fit(r.task(), null, TrainHooks.none());
                }
            });
            assertTrue(e.getMessage().contains("patience"), e.getMessage());
        }
    }
}
