package org.tandemrec.llm.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.GoldenCheck;
import org.tandemrec.llm.decoder.CausalLmGradients;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.decoder.TrainBatch;
import org.tandemrec.llm.lora.LoraAdapter;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;
import org.tandemrec.train.TrainResult;
import org.tandemrec.train.Trainer;

/**
 * One LoRA SFT step (loss, gradients, three AdamW steps) against PyTorch autograd +
 * torch.optim.AdamW, through the path {@code tandem llm sft} runs: {@link SftTask} (one forward
 * pass over the golden batch) on the shared {@link Trainer}.
 */
class LoraSftGoldenTest {
    @org.junit.jupiter.api.BeforeAll
    static void singleThread() {
        // Tiny models: per-op overhead dominates and extra threads only slow them down.
        org.tandemrec.llm.decoder.TorchThreads.set(1);
    }

    static final Path FIX = Fixtures.path("");

    @ParameterizedTest
    @ValueSource(strings = {"single", "left_padded_batch"})
    void matchesPyTorch(String name) throws Exception {
        JsonNode root = new ObjectMapper().readTree(FIX.resolve("lora-sft-golden.json").toFile());
        double tol = root.get("tolerance_abs").asDouble();
        JsonNode opt = root.get("optimizer");
        JsonNode c = root.get(name);
        int[][] ids = GoldenCheck.ints2(c.get("input_ids"));
        int[][] mask = GoldenCheck.ints2(c.get("attention_mask"));
        int[][] pos = GoldenCheck.ints2(c.get("position_ids"));
        int[][] labels = GoldenCheck.ints2(c.get("labels"));
        // One step per epoch over the golden's rows: the loss of epoch e is the loss after e steps.
        List<SftSequence> seqs = SftTaskTest.goldenSequences(c);
        TrainConfig settings = TrainConfig.builder().epochs(3).batchSize(seqs.size()).learningRate(opt.get("lr").asDouble())
                .betas(opt.get("betas").get(0).asDouble(), opt.get("betas").get(1).asDouble())
                .epsilon(opt.get("eps").asDouble()).weightDecay(opt.get("weight_decay").asDouble())
                .optimizer(TrainConfig.OptimizerKind.ADAMW).schedule(TrainConfig.ScheduleKind.CONSTANT).seed(1).build();
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.load(FIX.resolve("hf/tiny-llama"), m);
             LoraAdapter adapter = LoraAdapter.load(FIX.resolve("hf/tiny-llama-lora"), w, m)) {
            SftTask task = new SftTask(w, adapter, CausalLmGradients.loraParameters(adapter), seqs, seqs.size(), m);
            // The task left-pads the golden's rows back into the golden batch.
            TrainBatch padded = TrainBatch.leftPadded(seqs.stream().map(SftSequence::idsView).toList(),
                    seqs.stream().map(SftSequence::labelsView).toList(), w.config().batchPadId());
            assertArrayEquals(mask, padded.mask());
            assertArrayEquals(pos, padded.positions());
            assertArrayEquals(labels, padded.labels());
            for (int i = 0; i < ids.length; i++) {
                for (int j = 0; j < ids[i].length; j++) {
                    assertEquals(mask[i][j] == 1 ? ids[i][j] : padded.ids()[i][j], padded.ids()[i][j]);
                }
            }
            int[] all = IntStream.range(0, seqs.size()).toArray();
            task.parameters().zeroGrad();
            double loss = task.trainBatch(all, 0, new SplittableRandom(1));
            assertEquals(c.get("loss").asDouble(), loss, tol);
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) c.get("grad_norms")::fields) {
                float[] grad = task.parameters().get(e.getKey()).tensorGrad().toFloatArray();
                double norm = 0;
                for (float x : grad) {
                    norm += (double) x * x;
                }
                // Gradient norms reach ~17: compare relatively as well as absolutely.
                assertEquals(e.getValue().asDouble(), Math.sqrt(norm), tol * Math.max(1, e.getValue().asDouble()), e.getKey());
                float[] first4 = GoldenCheck.floats(c.get("grad_first4").get(e.getKey()));
                for (int i = 0; i < 4; i++) {
                    assertEquals(first4[i], grad[i], tol * Math.max(1, Math.abs(first4[i])), e.getKey() + "[" + i + "]");
                }
            }
            JsonNode after = c.get("loss_after_each_adamw_step");
            TrainResult r = new Trainer(settings).fit(task, TrainHooks.none());
            assertEquals(c.get("loss").asDouble(), r.losses()[0], tol);
            for (int s = 0; s < after.size(); s++) {
                double lossAfter = s + 1 < r.losses().length ? r.losses()[s + 1] : task.validationLoss(seqs);
                assertEquals(after.get(s).asDouble(), lossAfter, tol, "loss after step " + (s + 1));
            }
            float[] a = adapter.pairs().get("model.layers.0.self_attn.q_proj.weight").a().toFloatArray();
            float[] want = GoldenCheck.floats(c.get("lora_A_layer0_q_after_steps_first4"));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], a[i], tol, "lora_A q layer 0 [" + i + "]");
            }
        }
    }
}
