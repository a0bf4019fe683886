package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tandemrec.llm.Generator;

/**
 * config.json fields that change the numbers: Mistral's sliding window, checked against
 * attention computed by hand (plain Java, the formulas of transformers' MistralAttention), and a
 * list of end-of-sequence ids (Llama-3-Instruct), kept whole.
 */
class SlidingWindowAndEosTest {
    private static final String BASE = "\"hidden_size\":4096,\"intermediate_size\":11008,\"num_hidden_layers\":32,"
            + "\"num_attention_heads\":32,\"num_key_value_heads\":8,\"vocab_size\":32000";

    private static LlamaConfig parse(String json) throws Exception {
        return LlamaConfig.fromJson(new ObjectMapper().readTree(json));
    }

    @Test
    void readsTheWindowAndTheEndOfSequenceIdsOrRefusesThem() throws Exception {
        assertEquals(4096, parse("{\"model_type\":\"mistral\"," + BASE + ",\"sliding_window\":4096}").slidingWindow());
        assertEquals(0, parse("{\"model_type\":\"mistral\"," + BASE + ",\"sliding_window\":null}").slidingWindow());
        assertEquals(0, parse("{\"model_type\":\"qwen2\"," + BASE + ",\"sliding_window\":32768,\"use_sliding_window\":false}")
                .slidingWindow(), "Qwen2 applies its window only with use_sliding_window");
        for (String bad : List.of("0", "-5", "\"4096\"", "40.5")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parse("{\"model_type\":\"mistral\"," + BASE + ",\"sliding_window\":" + bad + "}"));
            assertTrue(e.getMessage().startsWith("field sliding_window must be a positive integer or null"), e.getMessage());
        }
        IllegalArgumentException qwen = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"model_type\":\"qwen2\"," + BASE + ",\"sliding_window\":4096,\"use_sliding_window\":true}"));
        assertTrue(qwen.getMessage().contains("use_sliding_window true"), qwen.getMessage());

        // Llama-3.1-8B-Instruct's config.json.
        LlamaConfig l3 = parse("{\"model_type\":\"llama\"," + BASE + ",\"bos_token_id\":128000,"
                + "\"eos_token_id\":[128001,128008,128009]}");
        assertEquals(List.of(128001, 128008, 128009), l3.eosTokenIds());
        assertEquals(128001, l3.eosTokenId(), "the first is appended after an answer");
        assertEquals(Set.of(128001, 128008, 128009), Generator.Settings.greedy(5, l3).stopTokenIds());
        assertTrue(Generator.Settings.greedy(5, l3).stops(128009), "<|eot_id|> ends a generation");
        assertEquals(l3.eosTokenIds(), LlamaConfig.fromJson(l3.toJson()).eosTokenIds(), "written back as a list");
        assertEquals(List.of(2), parse("{\"model_type\":\"llama\"," + BASE + ",\"eos_token_id\":2}").eosTokenIds());
        assertEquals(List.of(), parse("{\"model_type\":\"llama\"," + BASE + "}").eosTokenIds());
        IllegalArgumentException eos = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"model_type\":\"llama\"," + BASE + ",\"eos_token_id\":[2,\"x\"]}"));
        assertTrue(eos.getMessage().startsWith("field eos_token_id must be a token id or a list of them"), eos.getMessage());
        LlamaConfig mistral = parse("{\"model_type\":\"mistral\"," + BASE + ",\"sliding_window\":4096}");
        assertEquals(4096, LlamaConfig.fromJson(mistral.toJson()).slidingWindow(), "written back");
    }

    /** A one-layer Mistral with a window of 2, 2 query heads sharing 1 key/value head. */
    private static LlamaConfig tiny(int window) {
        return new LlamaConfig("mistral", 8, 16, 1, 2, 1, 4, 1e-6, RopeScaling.plain(10000), false, false, 11, 1, 2, -1,
                64, List.of(2), window);
    }

    @Test
    void attentionSeesOnlyTheLastWindowPositionsAsComputedByHand() {
        int[] ids = {3, 7, 1, 9, 4, 2};
        int t = ids.length;
        try (NDManager m = NDManager.newBaseManager();
             DecoderWeights w = DecoderWeights.random(tiny(2), 17, 0.5f, m);
             DecoderWeights full = w.with(tiny(0), Map.of(), m)) {
            float[] got = new Decoder(w, null).forward(m, new int[][] {ids}, new int[][] {Decoder.filled(t, 1)},
                    new int[][] {Decoder.range(t, 0)}, null, false).logits().toFloatArray();
            double[][] want = byHand(w, ids, 2);
            for (int i = 0; i < t; i++) {
                for (int v = 0; v < 11; v++) {
                    assertEquals(want[i][v], got[i * 11 + v], 1e-4, "logit of " + v + " at position " + i);
                }
            }
            // Without the window the later positions see the first tokens and their logits differ;
            // the first two positions (within the window anyway) do not.
            float[] unwindowed = new Decoder(full, null).forward(m, new int[][] {ids}, new int[][] {Decoder.filled(t, 1)},
                    new int[][] {Decoder.range(t, 0)}, null, false).logits().toFloatArray();
            double[][] wantFull = byHand(full, ids, 0);
            assertEquals(wantFull[5][3], unwindowed[5 * 11 + 3], 1e-4);
            assertEquals(got[11 + 4], unwindowed[11 + 4], 1e-5);
            assertTrue(Math.abs(got[5 * 11 + 3] - unwindowed[5 * 11 + 3]) > 1e-3, "the window changes position 5");

            // Token by token through the KV cache: the same window.
            try (KvCache cache = new KvCache(m, 1)) {
                Decoder d = new Decoder(w, null);
                for (int i = 0; i < t; i++) {
                    float[] step = d.forward(m, new int[][] {{ids[i]}}, new int[][] {{1}}, new int[][] {{i}}, cache, false)
                            .logits().toFloatArray();
                    for (int v = 0; v < 11; v++) {
                        assertEquals(want[i][v], step[v], 1e-4, "cached step " + i + ", logit " + v);
                    }
                }
            }
        }
    }

    /** The decoder's logits [T][V] in double precision, written out formula by formula (window 0: none). */
    private static double[][] byHand(DecoderWeights w, int[] ids, int window) {
        LlamaConfig c = w.config();
        int h = c.hiddenSize();
        int n = c.numHeads();
        int kh = c.numKvHeads();
        int d = c.headDim();
        int t = ids.length;
        float[] embed = w.get("model.embed_tokens.weight").toFloatArray();
        String p = "model.layers.0.";
        double[][] x = new double[t][h];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < h; j++) {
                x[i][j] = embed[ids[i] * h + j];
            }
        }
        double[][] q = new double[t][];
        double[][] k = new double[t][];
        double[][] v = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] normed = rmsNorm(x[i], w.get(p + "input_layernorm.weight").toFloatArray(), c.rmsNormEps());
            q[i] = rope(matVec(w.get(p + "self_attn.q_proj.weight").toFloatArray(), normed, n * d), i, n, d);
            k[i] = rope(matVec(w.get(p + "self_attn.k_proj.weight").toFloatArray(), normed, kh * d), i, kh, d);
            v[i] = matVec(w.get(p + "self_attn.v_proj.weight").toFloatArray(), normed, kh * d);
        }
        double[][] logits = new double[t][];
        for (int i = 0; i < t; i++) {
            double[] o = new double[n * d];
            for (int head = 0; head < n; head++) {
                int kv = head / (n / kh);
                int from = window > 0 ? Math.max(0, i - window + 1) : 0;
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = from; j <= i; j++) {
                    for (int e = 0; e < d; e++) {
                        s[j] += q[i][head * d + e] * k[j][kv * d + e];
                    }
                    s[j] /= Math.sqrt(d);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = from; j <= i; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int j = from; j <= i; j++) {
                    for (int e = 0; e < d; e++) {
                        o[head * d + e] += s[j] / z * v[j][kv * d + e];
                    }
                }
            }
            double[] x1 = add(x[i], matVec(w.get(p + "self_attn.o_proj.weight").toFloatArray(), o, h));
            double[] h2 = rmsNorm(x1, w.get(p + "post_attention_layernorm.weight").toFloatArray(), c.rmsNormEps());
            double[] gate = matVec(w.get(p + "mlp.gate_proj.weight").toFloatArray(), h2, c.intermediateSize());
            double[] up = matVec(w.get(p + "mlp.up_proj.weight").toFloatArray(), h2, c.intermediateSize());
            for (int e = 0; e < gate.length; e++) {
                gate[e] = gate[e] / (1 + Math.exp(-gate[e])) * up[e];
            }
            double[] x2 = add(x1, matVec(w.get(p + "mlp.down_proj.weight").toFloatArray(), gate, h));
            double[] fin = rmsNorm(x2, w.get("model.norm.weight").toFloatArray(), c.rmsNormEps());
            logits[i] = matVec(w.get("lm_head.weight").toFloatArray(), fin, c.vocabSize());
        }
        return logits;
    }

    private static double[] rmsNorm(double[] x, float[] weight, double eps) {
        double ms = 0;
        for (double a : x) {
            ms += a * a;
        }
        double r = 1 / Math.sqrt(ms / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * r * weight[i];
        }
        return out;
    }

    /** W [rows, x.length] row-major times x. */
    private static double[] matVec(float[] weight, double[] x, int rows) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < x.length; c++) {
                out[r] += weight[r * x.length + c] * x[c];
            }
        }
        return out;
    }

    /** Rotary embedding of each head at position {@code pos}: x·cos + rotate_half(x)·sin, θ = 10000. */
    private static double[] rope(double[] x, int pos, int heads, int d) {
        double[] out = new double[x.length];
        int half = d / 2;
        for (int hd = 0; hd < heads; hd++) {
            for (int e = 0; e < d; e++) {
                double angle = pos / Math.pow(10000, 2.0 * (e % half) / d);
                double rotated = e < half ? -x[hd * d + e + half] : x[hd * d + e - half];
                out[hd * d + e] = x[hd * d + e] * Math.cos(angle) + rotated * Math.sin(angle);
            }
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < a.length; i++) {
            out[i] += b[i];
        }
        return out;
    }
}
