package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.JsonFile;
import org.tandemrec.llm.decoder.Decoder;
import org.tandemrec.llm.decoder.DecoderOutput;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/**
 * Compares a decoder with a golden file in the fixtures' format (per prompt: token ids, last
 * logits, first-8 logit and final-hidden columns at every position, loss with labels = inputs,
 * 8 greedy ids; plus a left-padded batch). Reports the largest absolute difference of each
 * quantity; {@link Result#pass()} when all are within the golden's {@code tolerance_abs}, the
 * tokenizer gives the golden ids and greedy generation matches.
 */
public final class GoldenCheck {
    /** Largest absolute differences and equality checks over all prompts. */
    public record Result(int prompts, double tolerance, boolean tokenIdsEqual, double lastLogits, double logitsFirst8,
                         double hiddenFirst8, double loss, boolean greedyEqual, double paddedBatchLastLogits) {
        public boolean pass() {
            return tokenIdsEqual && greedyEqual && lastLogits <= tolerance && logitsFirst8 <= tolerance
                    && hiddenFirst8 <= tolerance && loss <= tolerance && paddedBatchLastLogits <= tolerance;
        }
    }

    private GoldenCheck() {
    }

    /** Runs the comparison; {@code tokenizer} may be null to skip the token-id check. */
    public static Result run(Decoder decoder, LlmTokenizer tokenizer, Path goldenFile, NDManager manager) throws IOException {
        JsonNode g = JsonFile.read(goldenFile);
        if (!g.has("prompts") || !g.has("tolerance_abs")) {
            throw new DataFormatException(goldenFile, "not a golden file (needs prompts and tolerance_abs)");
        }
        double tol = g.get("tolerance_abs").asDouble();
        boolean idsEqual = true;
        boolean greedyEqual = true;
        double dLast = 0;
        double dLog8 = 0;
        double dHid8 = 0;
        double dLoss = 0;
        Generator gen = new Generator(decoder);
        for (JsonNode p : g.get("prompts")) {
            int[] ids = ints(p.get("input_ids"));
            if (tokenizer != null && p.has("text")) {
                idsEqual &= Arrays.equals(ids, tokenizer.encode(p.get("text").asText()));
            }
            try (NDManager m = manager.newSubManager()) {
                DecoderOutput o = decoder.forward(m, ids, true);
                NDArray logits = o.logits().get(0);
                dLast = Math.max(dLast, maxDiff(logits.get(new NDIndex("-1, :")).toFloatArray(), floats(p.get("last_logits"))));
                dLog8 = Math.max(dLog8, maxDiff(logits.get(new NDIndex(":, :8")).toFloatArray(), floats(p.get("logits_first8_all_positions"))));
                dHid8 = Math.max(dHid8, maxDiff(o.lastHidden().get(0).get(new NDIndex(":, :8")).toFloatArray(),
                        floats(p.get("final_hidden_first8_all_positions"))));
                if (ids.length > 1) {
                    float loss = Decoder.causalLmLoss(m, o.logits(), new int[][] {ids}).getFloat();
                    dLoss = Math.max(dLoss, Math.abs(loss - p.get("loss_labels_eq_inputs").asDouble()));
                }
                int[] want = ints(p.get("greedy_8_new_ids"));
                // The golden generations ran to a fixed length, ignoring eos.
                int[] got = gen.generate(m, ids, Generator.Settings.greedy(want.length, -1));
                greedyEqual &= Arrays.equals(want, got);
            }
        }
        double dPad = 0;
        JsonNode batch = g.get("left_padded_batch");
        if (batch != null) {
            int[][] ids = ints2(batch.get("input_ids"));
            try (NDManager m = manager.newSubManager()) {
                DecoderOutput o = decoder.forward(m, ids, ints2(batch.get("attention_mask")), ints2(batch.get("position_ids")), null, false);
                dPad = maxDiff(o.logits().get(new NDIndex(":, -1, :")).toFloatArray(), floats(batch.get("last_logits")));
            }
        }
        return new Result(g.get("prompts").size(), tol, idsEqual, dLast, dLog8, dHid8, dLoss, greedyEqual, dPad);
    }

    static double maxDiff(float[] got, float[] want) {
        if (got.length != want.length) {
            throw new DataFormatException("golden has " + want.length + " values, model gave " + got.length);
        }
        double d = 0;
        for (int i = 0; i < got.length; i++) {
            double x = Math.abs(got[i] - want[i]);
            d = Double.isNaN(x) ? Double.POSITIVE_INFINITY : Math.max(d, x);
        }
        return d;
    }

    /** Flattens a nested JSON number array row-major. */
    public static float[] floats(JsonNode n) {
        java.util.ArrayList<Float> out = new java.util.ArrayList<>();
        collect(n, out);
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static void collect(JsonNode n, java.util.List<Float> out) {
        if (n.isArray()) {
            n.forEach(c -> collect(c, out));
        } else {
            out.add((float) n.asDouble());
        }
    }

    public static int[] ints(JsonNode n) {
        int[] a = new int[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = n.get(i).asInt();
        }
        return a;
    }

    public static int[][] ints2(JsonNode n) {
        int[][] a = new int[n.size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = ints(n.get(i));
        }
        return a;
    }
}
