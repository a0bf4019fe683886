package org.tandemrec.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A LoRA adapter in PEFT's file layout ({@code adapter_config.json} + {@code
 * adapter_model.safetensors}): for each target projection W [O, I] a pair A [R, I], B [O, R]
 * with y = W x + (alpha / R) · B (A x) (Hu et al. 2021, eq. 3; dropout is inactive at inference).
 * Keys map to the base model's names: {@code base_model.model.<module>.lora_A.weight} belongs
 * to {@code <module>.weight}.
 */
public final class LoraAdapter implements AutoCloseable {
    private static final String PREFIX = "base_model.model.";

    /** One adapted projection: A [R, I], B [O, R]. */
    public record Pair(NDArray a, NDArray b) {
    }

    private final NDManager manager;
    private final Map<String, Pair> pairs;
    private final float scale;
    private final int rank;

    LoraAdapter(NDManager manager, Map<String, Pair> pairs, float scale, int rank) {
        this.manager = manager;
        this.pairs = Collections.unmodifiableMap(pairs);
        this.scale = scale;
        this.rank = rank;
    }

    /** Loads a PEFT adapter directory and checks it against the base weights' shapes. */
    public static LoraAdapter load(Path dir, DecoderWeights base, NDManager parent) throws IOException {
        Path cfgFile = dir.resolve("adapter_config.json");
        JsonNode cfg = new ObjectMapper().readTree(cfgFile.toFile());
        String type = cfg.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException(cfgFile + ": peft_type " + type + " is not supported (only LORA)");
        }
        if (cfg.path("use_dora").asBoolean(false) || cfg.path("use_rslora").asBoolean(false)) {
            throw new IllegalArgumentException(cfgFile + ": DoRA and rsLoRA are not supported");
        }
        if (cfg.path("fan_in_fan_out").asBoolean(false)) {
            throw new IllegalArgumentException(cfgFile + ": fan_in_fan_out adapters are not supported");
        }
        if (!cfg.path("bias").asText("none").equals("none")) {
            throw new IllegalArgumentException(cfgFile + ": bias " + cfg.path("bias").asText() + " is not supported (only none)");
        }
        int r = cfg.path("r").asInt(0);
        if (r <= 0) {
            throw new IllegalArgumentException(cfgFile + ": r must be > 0, got " + r);
        }
        double alpha = cfg.path("lora_alpha").asDouble(r);
        if (cfg.path("rank_pattern").size() > 0 || cfg.path("alpha_pattern").size() > 0) {
            throw new IllegalArgumentException(cfgFile + ": rank_pattern/alpha_pattern are not supported");
        }
        SafetensorsReader reader = SafetensorsReader.open(dir.resolve("adapter_model.safetensors"));
        NDManager m = parent.newSubManager();
        try {
            Map<String, Pair> pairs = new LinkedHashMap<>();
            for (String key : reader.names()) {
                if (!key.contains(".lora_A.")) {
                    if (!key.contains(".lora_B.")) {
                        throw new IllegalArgumentException(reader.source() + ": tensor " + key + " is not a LoRA A/B matrix");
                    }
                    continue;
                }
                if (!key.startsWith(PREFIX)) {
                    throw new IllegalArgumentException(reader.source() + ": tensor " + key + " does not start with " + PREFIX);
                }
                String module = key.substring(PREFIX.length(), key.indexOf(".lora_A."));
                String target = module + ".weight";
                NDArray w = base.get(target);
                SafetensorsTensor ta = reader.tensor(key);
                SafetensorsTensor tb = reader.tensor(key.replace(".lora_A.", ".lora_B."));
                long[] wantA = {r, w.getShape().get(1)};
                long[] wantB = {w.getShape().get(0), r};
                if (!java.util.Arrays.equals(ta.shape(), wantA) || !java.util.Arrays.equals(tb.shape(), wantB)) {
                    throw new IllegalArgumentException(reader.source() + ": tensor " + key + " pair has shapes "
                            + java.util.Arrays.toString(ta.shape()) + "/" + java.util.Arrays.toString(tb.shape())
                            + ", expected " + java.util.Arrays.toString(wantA) + "/" + java.util.Arrays.toString(wantB));
                }
                NDArray a = m.create(ta.toFloatArray(), new Shape(wantA));
                NDArray b = m.create(tb.toFloatArray(), new Shape(wantB));
                a.setName(key);
                b.setName(key.replace(".lora_A.", ".lora_B."));
                pairs.put(target, new Pair(a, b));
            }
            return new LoraAdapter(m, pairs, (float) (alpha / r), r);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Adapted projections by the base weight's name ({@code model.layers.0.self_attn.q_proj.weight}). */
    public Map<String, Pair> pairs() {
        return pairs;
    }

    /** alpha / r. */
    public float scale() {
        return scale;
    }

    public int rank() {
        return rank;
    }

    /** PEFT key of an A (or B) matrix for a base weight name. */
    public static String peftKey(String baseWeight, boolean isA) {
        return PREFIX + baseWeight.substring(0, baseWeight.length() - ".weight".length())
                + (isA ? ".lora_A.weight" : ".lora_B.weight");
    }

    /** Marks every A and B matrix as trainable (for gradient collection). */
    public void setRequiresGradient(boolean on) {
        for (Pair p : pairs.values()) {
            p.a().setRequiresGradient(on);
            p.b().setRequiresGradient(on);
        }
    }

    /** The same adapter with new A/B values (by PEFT key), in a new native scope. */
    public LoraAdapter withValues(Map<String, float[]> byPeftKey, NDManager parent) {
        NDManager m = parent.newSubManager();
        Map<String, Pair> out = new LinkedHashMap<>();
        for (Map.Entry<String, Pair> e : pairs.entrySet()) {
            NDArray a = e.getValue().a();
            NDArray b = e.getValue().b();
            float[] va = byPeftKey.get(peftKey(e.getKey(), true));
            float[] vb = byPeftKey.get(peftKey(e.getKey(), false));
            NDArray na = va == null ? a.duplicate() : m.create(va, a.getShape());
            NDArray nb = vb == null ? b.duplicate() : m.create(vb, b.getShape());
            na.attach(m);
            nb.attach(m);
            na.setName(a.getName());
            nb.setName(b.getName());
            out.put(e.getKey(), new Pair(na, nb));
        }
        return new LoraAdapter(m, out, scale, rank);
    }

    /** Base weights with W' = W + scale · B A folded in; the result needs no adapter. */
    public DecoderWeights merge(DecoderWeights base, NDManager parent) {
        Map<String, float[]> repl = new LinkedHashMap<>();
        try (NDManager tmp = parent.newSubManager()) {
            for (Map.Entry<String, Pair> e : pairs.entrySet()) {
                NDArray w = base.get(e.getKey());
                NDArray delta = e.getValue().b().matMul(e.getValue().a()).mul(scale);
                delta.attach(tmp);
                NDArray merged = w.add(delta);
                merged.attach(tmp);
                repl.put(e.getKey(), merged.toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
        return base.with(base.config(), repl, parent);
    }

    @Override
    public void close() {
        manager.close();
    }
}
