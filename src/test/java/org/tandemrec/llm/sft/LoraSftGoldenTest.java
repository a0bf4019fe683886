package org.tandemrec.llm.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandemrec.Fixtures;
import org.tandemrec.llm.GoldenCheck;
import org.tandemrec.llm.decoder.AdamW;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.lora.LoraAdapter;

/** One LoRA SFT step (loss, gradients, three AdamW steps) against PyTorch autograd + torch.optim.AdamW. */
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
        AdamW.Settings settings = new AdamW.Settings((float) opt.get("lr").asDouble(), (float) opt.get("betas").get(0).asDouble(),
                (float) opt.get("betas").get(1).asDouble(), (float) opt.get("eps").asDouble(), (float) opt.get("weight_decay").asDouble());
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.load(FIX.resolve("hf/tiny-llama"), m)) {
            LoraSft sft = new LoraSft(w, LoraAdapter.load(FIX.resolve("hf/tiny-llama-lora"), w, m), settings);
            LoraSft.Gradients g = sft.gradients(m, ids, mask, pos, labels);
            assertEquals(c.get("loss").asDouble(), g.loss(), tol);
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) c.get("grad_norms")::fields) {
                float[] grad = g.byPeftKey().get(e.getKey());
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
            for (int s = 0; s < after.size(); s++) {
                sft.step(m, ids, mask, pos, labels);
                float loss = sft.gradients(m, ids, mask, pos, labels).loss();
                assertEquals(after.get(s).asDouble(), loss, tol, "loss after step " + (s + 1));
            }
            float[] a = sft.adapter().pairs().get("model.layers.0.self_attn.q_proj.weight").a().toFloatArray();
            float[] want = GoldenCheck.floats(c.get("lora_A_layer0_q_after_steps_first4"));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], a[i], tol, "lora_A q layer 0 [" + i + "]");
            }
            sft.adapter().close();
        }
    }
}
