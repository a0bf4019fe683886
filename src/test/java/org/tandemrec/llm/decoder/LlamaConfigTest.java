package org.tandemrec.llm.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandemrec.Fixtures;

/** config.json parsing in both transformers layouts, rope scaling formulas, refusals. */
class LlamaConfigTest {
    private static LlamaConfig parse(String json) throws Exception {
        return LlamaConfig.fromJson(new ObjectMapper().readTree(json));
    }

    private static final String BASE = "\"hidden_size\":4096,\"intermediate_size\":11008,\"num_hidden_layers\":32,"
            + "\"num_attention_heads\":32,\"vocab_size\":32000";

    @Test
    void readsFixturesAndLlama2Layout() throws Exception {
        LlamaConfig q = LlamaConfig.load(Fixtures.path("hf/tiny-qwen2"));
        assertTrue(q.attentionBias());
        assertTrue(q.tieWordEmbeddings());
        assertEquals(16, q.headDim()); // 64 / 4 heads, no head_dim field
        assertEquals(2, q.numKvHeads());
        LlamaConfig l2 = parse("{\"model_type\":\"llama\"," + BASE + ",\"rope_theta\":500000.0,\"rms_norm_eps\":1e-5,"
                + "\"bos_token_id\":1,\"eos_token_id\":[2,3]}");
        assertEquals(500000.0, l2.rope().theta());
        assertEquals(32, l2.numKvHeads());
        assertEquals(128, l2.headDim());
        assertEquals(2, l2.eosTokenId());
        assertFalse(l2.attentionBias());
        // Llama-2-7B has 6,738,415,616 parameters.
        assertEquals(6_738_415_616L, l2.parameterCount());
        AvailableMemory oneGib = new AvailableMemory(1L << 30, "test");
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> l2.checkFits(oneGib, 0, 0));
        // 6,738,415,616 × 4 bytes = 25.10 GiB needed, 1.00 GiB available: both figures are named.
        assertTrue(tooBig.getMessage().contains("25.10 GiB") && tooBig.getMessage().contains("only 1.00 GiB"), tooBig.getMessage());
        // Weights used in place from the mapped file are not copied: only the rest must fit.
        long mapped = l2.float32Bytes() - (1L << 29);
        l2.checkFits(oneGib, mapped, 0);
        IllegalArgumentException training = assertThrows(IllegalArgumentException.class,
                () -> l2.checkFits(oneGib, mapped, 1L << 30));
        assertTrue(training.getMessage().contains("needs 1.50 GiB") && training.getMessage().contains("1.00 GiB for training"),
                training.getMessage());
    }

    @Test
    void ropeScalingTypes() throws Exception {
        LlamaConfig lin = parse("{\"model_type\":\"llama\"," + BASE + ",\"rope_scaling\":{\"type\":\"linear\",\"factor\":4.0}}");
        float[] plain = RopeScaling.plain(10000).inverseFrequencies(128);
        float[] scaled = lin.rope().inverseFrequencies(128);
        assertEquals(plain[3] / 4, scaled[3], 1e-9);
        LlamaConfig l3 = parse("{\"model_type\":\"llama\"," + BASE + ",\"rope_theta\":500000.0,\"rope_scaling\":{\"rope_type\":\"llama3\","
                + "\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}}");
        float[] base = RopeScaling.plain(500000).inverseFrequencies(128);
        float[] f = l3.rope().inverseFrequencies(128);
        // Highest frequency (wavelength 2π < 8192/4) unchanged; lowest (wavelength > 8192) divided by 8.
        assertEquals(base[0], f[0], 0f);
        assertEquals(base[63] / 8, f[63], base[63] * 1e-6);
        // In between: wavelength of index 40 is 2π·500000^(80/128) ≈ 2.3e4 > 8192 → divided; check one blended index.
        int mid = -1;
        for (int i = 0; i < 64; i++) {
            double w = 2 * Math.PI / base[i];
            if (w >= 2048 && w <= 8192) {
                mid = i;
                break;
            }
        }
        double smooth = (8192 / (2 * Math.PI / base[mid]) - 1) / 3;
        assertEquals((1 - smooth) * base[mid] / 8 + smooth * base[mid], f[mid], base[mid] * 1e-5);
    }

    @Test
    void refusesUnsupported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"model_type\":\"gpt2\"," + BASE + "}"));
        assertTrue(e.getMessage().contains("gpt2"));
        e = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"model_type\":\"llama\"," + BASE + ",\"rope_scaling\":{\"type\":\"yarn\",\"factor\":4.0}}"));
        assertTrue(e.getMessage().contains("yarn"));
        e = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"model_type\":\"llama\",\"hidden_size\":64,\"intermediate_size\":8,\"num_hidden_layers\":1,"
                        + "\"num_attention_heads\":4,\"num_key_value_heads\":3,\"vocab_size\":10}"));
        assertTrue(e.getMessage().contains("num_key_value_heads"));
        e = assertThrows(IllegalArgumentException.class, () -> parse("{\"model_type\":\"llama\",\"hidden_size\":64}"));
        assertTrue(e.getMessage().contains("num_attention_heads is missing"), e.getMessage());
    }

    @Test
    void memAvailableIsReadFromMeminfo() {
        assertEquals(22_517_680L * 1024, AvailableMemory.memAvailable(java.util.List.of("MemTotal:       24600000 kB",
                "MemFree:         1000000 kB", "MemAvailable:   22517680 kB")));
        assertEquals(-1, AvailableMemory.memAvailable(java.util.List.of("MemTotal: 1 kB")));
        AvailableMemory now = AvailableMemory.now();
        assertTrue(now.bytes() > 0, now.toString());
        if (java.nio.file.Files.isReadable(Path.of("/proc/meminfo"))) {
            assertEquals("MemAvailable in /proc/meminfo", now.source());
        }
    }
}
