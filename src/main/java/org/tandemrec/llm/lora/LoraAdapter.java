package org.tandemrec.llm.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tandemrec.base.JsonSyntaxError;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.decoder.DecoderWeights;
import org.tandemrec.llm.safetensors.SafetensorsFormatException;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import org.tandemrec.llm.safetensors.SafetensorsTensor;
import org.tandemrec.llm.safetensors.SafetensorsWriter;

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

    /** Recorded in the safetensors metadata; PEFT ignores it, Tandem refuses an unknown version. */
    public static final String FORMAT = "tandem-lora-adapter";
    public static final String VERSION = "1";

    private final NDManager manager;
    private final Map<String, Pair> pairs;
    private final LoraConfig config;

    LoraAdapter(NDManager manager, Map<String, Pair> pairs, LoraConfig config) {
        this.manager = manager;
        this.pairs = Collections.unmodifiableMap(pairs);
        this.config = config;
    }

    /**
     * A fresh adapter as PEFT initialises one: A [R, I] ~ U(−1/√I, 1/√I) (kaiming-uniform with
     * a = √5), B [O, R] = 0, so the adapted model starts equal to the base. Every projection
     * weight whose module {@code config} targets is adapted; a target matching nothing is refused.
     */
    public static LoraAdapter create(DecoderWeights base, LoraConfig config, long seed, NDManager parent) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        NDManager m = parent.newSubManager();
        Map<String, Pair> pairs = new LinkedHashMap<>();
        java.util.Set<String> matched = new java.util.HashSet<>();
        for (Map.Entry<String, NDArray> e : base.tensors().entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".weight") || e.getValue().getShape().dimension() != 2 || name.contains("embed_tokens")
                    || name.startsWith("lm_head")) {
                continue;
            }
            String module = name.substring(0, name.length() - ".weight".length());
            if (!config.targets(module)) {
                continue;
            }
            for (String t : config.targetModules()) {
                if (module.equals(t) || module.endsWith("." + t)) {
                    matched.add(t);
                }
            }
            long out = e.getValue().getShape().get(0);
            long in = e.getValue().getShape().get(1);
            float[] a = new float[Math.toIntExact(config.rank() * in)];
            double bound = 1 / Math.sqrt(in);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
            NDArray na = m.create(a, new Shape(config.rank(), in));
            NDArray nb = m.zeros(new Shape(out, config.rank()));
            na.setName(peftKey(name, true));
            nb.setName(peftKey(name, false));
            pairs.put(name, new Pair(na, nb));
        }
        for (String t : config.targetModules()) {
            if (!matched.contains(t)) {
                m.close();
                throw new UsageException("target module " + t + " matches no projection of the model");
            }
        }
        return new LoraAdapter(m, pairs, config);
    }

    /**
     * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} as PEFT's {@code
     * save_pretrained} does (each file atomically), so {@code PeftModel.from_pretrained} loads it.
     */
    public void save(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        ObjectMapper om = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode n = om.createObjectNode();
        n.put("peft_type", "LORA");
        n.put("task_type", "CAUSAL_LM");
        n.put("base_model_name_or_path", config.baseModel());
        n.put("r", config.rank());
        if (config.alpha() == Math.rint(config.alpha())) {
            n.put("lora_alpha", (long) config.alpha());
        } else {
            n.put("lora_alpha", config.alpha());
        }
        n.put("lora_dropout", config.dropout());
        com.fasterxml.jackson.databind.node.ArrayNode targets = n.putArray("target_modules");
        config.targetModules().forEach(targets::add);
        n.put("bias", "none");
        n.put("fan_in_fan_out", false);
        n.put("inference_mode", true);
        n.put("init_lora_weights", true);
        n.put("use_rslora", false);
        n.put("use_dora", false);
        n.putObject("rank_pattern");
        n.putObject("alpha_pattern");
        n.putNull("modules_to_save");
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Pair> e : pairs.entrySet()) {
            Pair p = e.getValue();
            tensors.put(peftKey(e.getKey(), true), new SafetensorsWriter.Tensor(p.a().getShape().getShape(), p.a().toFloatArray()));
            tensors.put(peftKey(e.getKey(), false), new SafetensorsWriter.Tensor(p.b().getShape().getShape(), p.b().toFloatArray()));
        }
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors,
                Map.of("format", "pt", "tandem_format", FORMAT, "tandem_format_version", VERSION));
        org.tandemrec.base.AtomicFile.writeString(dir.resolve("adapter_config.json"),
                om.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }

    public LoraConfig config() {
        return config;
    }

    /** Loads a PEFT adapter directory and checks it against the base weights' shapes. */
    public static LoraAdapter load(Path dir, DecoderWeights base, NDManager parent) throws IOException {
        Path cfgFile = dir.resolve("adapter_config.json");
        if (!Files.isRegularFile(cfgFile)) {
            throw new java.io.FileNotFoundException(cfgFile + ": adapter_config.json not found");
        }
        JsonNode cfg;
        try {
            cfg = new ObjectMapper().readTree(cfgFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(cfgFile, "not valid JSON: " + JsonSyntaxError.describe(e));
        }
        if (cfg == null || !cfg.isObject()) {
            throw new DataFormatException(cfgFile, "expected a JSON object of PEFT settings");
        }
        for (String key : new String[] {"peft_type", "bias"}) {
            if (cfg.hasNonNull(key) && !cfg.get(key).isTextual()) {
                throw new DataFormatException(cfgFile, "field " + key + " must be a string, got " + cfg.get(key));
            }
        }
        if (cfg.has("r") && !(cfg.get("r").isIntegralNumber() && cfg.get("r").canConvertToInt())) {
            throw new DataFormatException(cfgFile, "field r must be an integer, got " + cfg.get("r"));
        }
        for (String key : new String[] {"lora_alpha", "lora_dropout"}) {
            if (cfg.hasNonNull(key) && !cfg.get(key).isNumber()) {
                throw new DataFormatException(cfgFile, "field " + key + " must be a number, got " + cfg.get(key));
            }
        }
        JsonNode targetsNode = cfg.path("target_modules");
        if (!targetsNode.isMissingNode() && !targetsNode.isNull() && !targetsNode.isTextual()
                && !(targetsNode.isArray() && java.util.stream.StreamSupport.stream(targetsNode.spliterator(), false)
                        .allMatch(JsonNode::isTextual))) {
            throw new DataFormatException(cfgFile, "field target_modules must be a module name or a list of them, got "
                    + targetsNode);
        }
        String type = cfg.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) {
            throw new DataFormatException(cfgFile, "peft_type " + type + " is not supported (only LORA)");
        }
        if (cfg.path("use_dora").asBoolean(false) || cfg.path("use_rslora").asBoolean(false)) {
            throw new DataFormatException(cfgFile, "DoRA and rsLoRA are not supported");
        }
        if (cfg.path("fan_in_fan_out").asBoolean(false)) {
            throw new DataFormatException(cfgFile, "fan_in_fan_out adapters are not supported");
        }
        if (!cfg.path("bias").asText("none").equals("none")) {
            throw new DataFormatException(cfgFile, "bias " + cfg.path("bias").asText() + " is not supported (only none)");
        }
        int r = cfg.path("r").asInt(0);
        if (r <= 0) {
            throw new DataFormatException(cfgFile, "r must be > 0, got " + r);
        }
        double alpha = cfg.path("lora_alpha").asDouble(r);
        if (cfg.path("rank_pattern").size() > 0 || cfg.path("alpha_pattern").size() > 0) {
            throw new DataFormatException(cfgFile, "rank_pattern/alpha_pattern are not supported");
        }
        java.util.List<String> targets = new java.util.ArrayList<>();
        cfg.path("target_modules").forEach(t -> targets.add(t.asText()));
        if (targets.isEmpty() && cfg.path("target_modules").isTextual()) {
            targets.add(cfg.path("target_modules").asText());
        }
        SafetensorsReader reader = SafetensorsReader.open(dir.resolve("adapter_model.safetensors"));
        String version = reader.metadata().get("tandem_format_version");
        if (version != null && !version.equals(VERSION)) {
            throw new SafetensorsFormatException(reader.source(), "tandem_format_version " + version
                    + " is not supported (this version reads " + VERSION + ")");
        }
        NDManager m = parent.newSubManager();
        try {
            Map<String, Pair> pairs = new LinkedHashMap<>();
            for (String key : reader.names()) {
                if (!key.contains(".lora_A.")) {
                    if (!key.contains(".lora_B.")) {
                        throw new SafetensorsFormatException(reader.source(), "tensor " + key + " is not a LoRA A/B matrix");
                    }
                    continue;
                }
                if (!key.startsWith(PREFIX)) {
                    throw new SafetensorsFormatException(reader.source(), "tensor " + key + " does not start with " + PREFIX);
                }
                String module = key.substring(PREFIX.length(), key.indexOf(".lora_A."));
                String target = module + ".weight";
                if (!base.tensors().containsKey(target)) {
                    throw new SafetensorsFormatException(reader.source(), "tensor " + key + " adapts " + target
                            + ", which the base model does not have");
                }
                NDArray w = base.get(target);
                String keyB = key.replace(".lora_A.", ".lora_B.");
                if (!reader.contains(keyB)) {
                    throw new SafetensorsFormatException(reader.source(), "tensor " + key + " has no " + keyB);
                }
                SafetensorsTensor ta = reader.tensor(key);
                SafetensorsTensor tb = reader.tensor(keyB);
                long[] wantA = {r, w.getShape().get(1)};
                long[] wantB = {w.getShape().get(0), r};
                if (!java.util.Arrays.equals(ta.shape(), wantA) || !java.util.Arrays.equals(tb.shape(), wantB)) {
                    throw new SafetensorsFormatException(reader.source(), "tensor " + key + " pair has shapes "
                            + java.util.Arrays.toString(ta.shape()) + "/" + java.util.Arrays.toString(tb.shape())
                            + ", expected " + java.util.Arrays.toString(wantA) + "/" + java.util.Arrays.toString(wantB));
                }
                NDArray a = m.create(finite(reader, key, ta.toFloatArray()), new Shape(wantA));
                NDArray b = m.create(finite(reader, keyB, tb.toFloatArray()), new Shape(wantB));
                a.setName(key);
                b.setName(key.replace(".lora_A.", ".lora_B."));
                pairs.put(target, new Pair(a, b));
            }
            if (targets.isEmpty()) {
                pairs.keySet().forEach(k -> targets.add(k.substring(k.lastIndexOf('.', k.length() - ".weight".length() - 1) + 1,
                        k.length() - ".weight".length())));
            }
            if (pairs.isEmpty()) {
                throw new SafetensorsFormatException(reader.source(), "holds no LoRA A/B matrices");
            }
            LoraConfig config;
            try {
                config = new LoraConfig(r, alpha, cfg.path("lora_dropout").asDouble(0),
                        targets.stream().distinct().toList(), cfg.path("base_model_name_or_path").asText(""));
            } catch (IllegalArgumentException e) {
                // The values come from a file, not from the user's settings: bad data, not usage.
                throw new DataFormatException(cfgFile, e.getMessage(), e);
            }
            return new LoraAdapter(m, pairs, config);
        } catch (RuntimeException | IOException e) {
            m.close();
            throw e;
        }
    }

    /**
     * The values of an adapter matrix, refused when one is NaN or infinite: an adapter is small
     * enough to check whole, and one such value would turn every logit it touches into NaN.
     */
    private static float[] finite(SafetensorsReader reader, String tensor, float[] values) throws SafetensorsFormatException {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new SafetensorsFormatException(reader.source(), "tensor " + tensor + " holds " + values[i]
                        + " at element " + i + " (an adapter's weights must be finite)");
            }
        }
        return values;
    }

    /** Adapted projections by the base weight's name ({@code model.layers.0.self_attn.q_proj.weight}). */
    public Map<String, Pair> pairs() {
        return pairs;
    }

    /** alpha / r. */
    public float scale() {
        return config.scale();
    }

    public int rank() {
        return config.rank();
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
        return new LoraAdapter(m, out, config);
    }

    /** Base weights with W' = W + scale · B A folded in; the result needs no adapter. */
    public DecoderWeights merge(DecoderWeights base, NDManager parent) {
        Map<String, float[]> repl = new LinkedHashMap<>();
        try (NDManager tmp = parent.newSubManager()) {
            for (Map.Entry<String, Pair> e : pairs.entrySet()) {
                NDArray w = base.get(e.getKey());
                NDArray delta = e.getValue().b().matMul(e.getValue().a()).mul(config.scale());
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
