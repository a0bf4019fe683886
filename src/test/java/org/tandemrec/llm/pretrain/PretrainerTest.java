package org.tandemrec.llm.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.HfCheckpoint;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.tokenizer.BpeTrainerTest;
import org.tandemrec.llm.tokenizer.LlmTokenizer;
import org.tandemrec.train.CheckpointException;
import org.tandemrec.train.ParameterSet;
import org.tandemrec.train.StepLog;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.Trainer;
import org.tandemrec.train.TrainingTask;

/**
 * Pre-training a very small model on the shared trainer: the loss falls, the saved directory
 * loads back to the same logits, a resumed run continues exactly, and a time budget plans the
 * run's length.
 */
class PretrainerTest {
    /** The tiny architecture of these tests with the given length, time budget and checkpoint interval. */
    private static PretrainConfig tiny(int steps, double minutes, int checkpointEvery) {
        return new PretrainConfig(32, 2, 4, 2, 64, 32, 320, 8, 1e-2f, 0.01f, 5, 1f, steps, minutes, checkpointEvery, 3);
    }

    /** Fails at a given call of trainBatch, as a killed process would. */
    private record Crashing(PretrainTask inner, int failAtCall, int[] calls) implements TrainingTask {
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

    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    @Test
    void lossFallsAndTheCheckpointReloadsToTheSameLogits(@TempDir Path tmp) throws Exception {
        List<String> docs = BpeTrainerTest.corpus();
        PretrainConfig cfg = tiny(60, 0, 20);
        Path out = tmp.resolve("model");
        Pretrainer.Result r = new Pretrainer(cfg).run(docs, out, false, false);
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
        assertEquals(60, run.get("planned_steps").asInt());
        assertFalse(run.get("deadline_reached").asBoolean());
        for (String f : List.of(Pretrainer.CHECKPOINT, Pretrainer.STEP_LOG, Pretrainer.PLAN_FILE)) {
            assertFalse(Files.exists(out.resolve(f)), f + " is removed when the run is complete");
        }

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
                new Pretrainer(cfg).train(trained, Pretrainer.encodeStream(t2, docs), TrainHooks.none(), m);
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
    void resumedRunContinuesWithTheLossesAndTheModelOfTheUninterruptedOne(@TempDir Path tmp) throws Exception {
        List<String> docs = BpeTrainerTest.corpus();
        PretrainConfig cfg = tiny(12, 0, 4);
        Pretrainer pre = new Pretrainer(cfg);
        Pretrainer.Result whole = pre.run(docs, tmp.resolve("whole"), false, false);
        assertEquals(12, whole.stepLosses().length);

        // What a run killed in its 7th step leaves: the checkpoint of step 4 and the step log.
        Path out = tmp.resolve("resumed");
        Files.createDirectories(out);
        try (LlmTokenizer tok = pre.trainTokenizer(docs); NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.random(cfg.llamaConfig(tok.size()), cfg.seed(), 0.02f, m)) {
            PretrainTask task = pre.task(w, Pretrainer.encodeStream(tok, docs), 12, m);
            StepLog log = new StepLog(out.resolve(Pretrainer.STEP_LOG));
            task.setListener((step, loss) -> log.append("train", step, loss));
            Crashing crashing = new Crashing(task, 6, new int[1]);
            TrainHooks hooks = TrainHooks.none().withCheckpoint(out.resolve(Pretrainer.CHECKPOINT), false);
            assertThrows(IllegalStateException.class, () -> new Trainer(cfg.trainConfig(12)).fit(crashing, hooks));
        }
        // The checkpoint belongs to a run of 12 steps: another length is another schedule.
        Exception e = assertThrows(CheckpointException.class,
                () -> new Pretrainer(cfg.withBudget(13, 0)).run(docs, out, true, false));
        assertTrue(e.getMessage().contains("different model or training config"), e.getMessage());

        Pretrainer.Result rest = pre.run(docs, out, true, false);
        assertEquals(4, rest.firstStep());
        assertEquals(12, rest.steps());
        assertArrayEquals(Arrays.copyOfRange(whole.stepLosses(), 4, 12), rest.stepLosses(), 0f);
        assertEquals(whole.firstLoss(), rest.firstLoss(), 0f);
        assertEquals(whole.lastLoss(), rest.lastLoss(), 0f);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("whole/model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")));
        JsonNode run = new ObjectMapper().readTree(out.resolve(Pretrainer.RUN_FILE).toFile());
        assertEquals(4, run.get("resumed_from_step").asInt());
        assertFalse(Files.exists(out.resolve(Pretrainer.CHECKPOINT)));
    }

    @Test
    void aTimeBudgetPlansTheStepsAndStopsAtTheDeadline(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("timed");
        Pretrainer.Result r = new Pretrainer(tiny(0, 0.03, 0)).run(BpeTrainerTest.corpus(), out, false, false);
        assertTrue(r.plannedSteps() >= 1, "planned " + r.plannedSteps());
        assertTrue(r.steps() >= 1 && r.steps() <= r.plannedSteps(), r.steps() + " of " + r.plannedSteps());
        assertEquals(r.deadlineReached(), r.steps() < r.plannedSteps());
        assertEquals(r.steps(), r.stepLosses().length);
        JsonNode run = new ObjectMapper().readTree(out.resolve(Pretrainer.RUN_FILE).toFile());
        assertEquals(r.plannedSteps(), run.get("planned_steps").asInt());
        assertEquals(r.deadlineReached(), run.get("deadline_reached").asBoolean());
        assertEquals(0.03, run.get("config").get("minutes").asDouble(), 1e-12);
        assertFalse(Files.exists(out.resolve(Pretrainer.PLAN_FILE)));
    }

    @Test
    void theScheduleIsTheTransformersCosineWithAFloor() {
        var t = tiny(100, 0, 0).trainConfig(100);
        assertEquals(5, t.warmupSteps());
        assertEquals(PretrainConfig.MIN_LR_RATIO, t.minLrRatio(), 0);
        assertEquals(org.tandemrec.train.TrainConfig.ScheduleKind.COSINE, t.schedule());
        assertEquals(8, t.batchSize());
        // A short run warms up over at most a fifth of its steps.
        assertEquals(2, tiny(10, 0, 0).trainConfig(10).warmupSteps());
    }

    @Test
    void configRefusesUnboundedTrainingAndBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> PretrainConfig.demo(1).withBudget(0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PretrainConfig(30, 2, 4, 2, 64, 32, 320, 8, 1e-2f, 0f, 5, 1f, 10, 0, 0, 3));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny(-1, 0, 0));
        assertTrue(e.getMessage().startsWith("steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny(10, 0, -1));
        assertTrue(e.getMessage().startsWith("checkpointEvery"), e.getMessage());
    }
}
