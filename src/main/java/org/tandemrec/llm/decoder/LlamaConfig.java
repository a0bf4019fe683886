package org.tandemrec.llm.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tandemrec.base.ByteSize;
import org.tandemrec.base.JsonSyntaxError;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.llm.safetensors.SafetensorsDtype;

/**
 * The architecture of a Llama-style decoder, read from a Hugging Face {@code config.json}
 * (model_type llama, mistral or qwen2). Shapes use H hidden, I intermediate, L layers,
 * N attention heads, K key/value heads (grouped-query attention: N/K query heads share one),
 * D head dimension, V vocabulary.
 *
 * <p>Every field that changes the numbers is honoured or refused, never ignored: a list of
 * {@code eos_token_id}s (Llama-3-Instruct) is kept whole in {@link #eosTokenIds()} (generation stops
 * at any of them; {@link #eosTokenId()} is the first, the one appended after an answer), and
 * Mistral's {@code sliding_window} limits attention to that many latest positions
 * ({@link #slidingWindow()}, 0: none); Qwen2's per-layer sliding window is refused.
 */
public record LlamaConfig(String modelType, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, double rmsNormEps, RopeScaling rope, boolean attentionBias,
                          boolean tieWordEmbeddings, int vocabSize, int bosTokenId, int eosTokenId, int padTokenId,
                          int maxPositionEmbeddings, List<Integer> eosTokenIds, int slidingWindow) {
    public static final Set<String> MODEL_TYPES = Set.of("llama", "mistral", "qwen2");

    public LlamaConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("model_type must be one of llama, mistral, qwen2, got " + modelType);
        }
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads + ") must be a multiple of num_key_value_heads ("
                    + numKvHeads + ")");
        }
        if ((long) numHeads * headDim > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("num_attention_heads × head_dim (" + numHeads + " × " + headDim
                    + ") is too large");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for rotary embeddings, got " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            throw new IllegalArgumentException("rms_norm_eps must be > 0, got " + rmsNormEps);
        }
        if (rope == null) {
            throw new IllegalArgumentException("rope must be given");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        if (eosTokenId < 0 ? !eosTokenIds.isEmpty() : eosTokenIds.isEmpty() || eosTokenIds.get(0) != eosTokenId) {
            throw new IllegalArgumentException("eos_token_id " + eosTokenId + " must be the first of the end-of-sequence ids "
                    + eosTokenIds);
        }
        for (int id : eosTokenIds) {
            if (id < 0) {
                throw new IllegalArgumentException("eos_token_id must be >= 0, got " + id);
            }
        }
        if (slidingWindow < 0) {
            throw new IllegalArgumentException("sliding_window must be > 0 (or null: none), got " + slidingWindow);
        }
    }

    /** A config with one end-of-sequence id (or none: -1) and no sliding window. */
    public LlamaConfig(String modelType, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                       int numKvHeads, int headDim, double rmsNormEps, RopeScaling rope, boolean attentionBias,
                       boolean tieWordEmbeddings, int vocabSize, int bosTokenId, int eosTokenId, int padTokenId,
                       int maxPositionEmbeddings) {
        this(modelType, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, rmsNormEps, rope,
                attentionBias, tieWordEmbeddings, vocabSize, bosTokenId, eosTokenId, padTokenId, maxPositionEmbeddings,
                eosTokenId < 0 ? List.of() : List.of(eosTokenId), 0);
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + v);
        }
    }

    /** Reads {@code config.json} in a checkpoint directory (or the file itself). */
    public static LlamaConfig load(Path dirOrFile) throws IOException {
        Path file = dirOrFile.toFile().isDirectory() ? dirOrFile.resolve("config.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": config.json not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(file, "not valid JSON: " + JsonSyntaxError.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new DataFormatException(file, "expected a JSON object of model settings");
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            // A bad checkpoint file, not a bad command line.
            throw new DataFormatException(file, e.getMessage(), e);
        }
    }

    /** Parses the fields of a Hugging Face config; both rope layouts (transformers 4 and 5) are read. */
    public static LlamaConfig fromJson(JsonNode n) {
        String type = text(n, "model_type", null);
        if (type == null) {
            throw new IllegalArgumentException("field model_type is missing");
        }
        if (!MODEL_TYPES.contains(type)) {
            throw new IllegalArgumentException("model_type '" + type + "' is not supported (supported: llama, mistral, qwen2)");
        }
        int hidden = integer(n, "hidden_size", -1);
        int heads = integer(n, "num_attention_heads", -1);
        int headDim = n.hasNonNull("head_dim") ? integer(n, "head_dim", -1) : (heads > 0 ? hidden / heads : -1);
        JsonNode ropeParams = n.get("rope_parameters");
        JsonNode scaling = n.hasNonNull("rope_scaling") ? n.get("rope_scaling") : ropeParams;
        double theta = n.hasNonNull("rope_theta") ? number(n, "rope_theta", 10000.0)
                : ropeParams != null && ropeParams.hasNonNull("rope_theta") ? number(ropeParams, "rope_theta", 10000.0) : 10000.0;
        if (!(theta > 0) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("field rope_theta must be a finite number > 0, got " + theta);
        }
        RopeScaling rope;
        if (scaling == null || !scaling.isObject()) {
            rope = RopeScaling.plain(theta);
        } else {
            String rt = text(scaling, "rope_type", text(scaling, "type", "default")).toLowerCase(Locale.ROOT);
            if (!rt.equals("default") && !rt.equals("linear") && !rt.equals("llama3")) {
                throw new IllegalArgumentException("rope scaling type '" + rt + "' is not supported (supported: default, linear, llama3)");
            }
            rope = new RopeScaling(rt, theta, scaling.path("factor").asDouble(1.0),
                    scaling.path("low_freq_factor").asDouble(1.0), scaling.path("high_freq_factor").asDouble(4.0),
                    scaling.path("original_max_position_embeddings").asInt(8192));
        }
        boolean bias = type.equals("qwen2") || bool(n, "attention_bias");
        List<Integer> eos = ids(n, "eos_token_id");
        return new LlamaConfig(type, hidden, integer(n, "intermediate_size", -1), integer(n, "num_hidden_layers", -1),
                heads, n.hasNonNull("num_key_value_heads") ? integer(n, "num_key_value_heads", -1) : heads, headDim,
                number(n, "rms_norm_eps", 1e-6), rope, bias, bool(n, "tie_word_embeddings"),
                integer(n, "vocab_size", -1), firstId(n, "bos_token_id"), eos.isEmpty() ? -1 : eos.get(0),
                firstId(n, "pad_token_id"), integer(n, "max_position_embeddings", 2048), eos, slidingWindow(type, n));
    }

    /**
     * The attention window as transformers applies it: Mistral's {@code sliding_window} (null:
     * none); Qwen2's only with {@code use_sliding_window}, and then on the layers from
     * {@code max_window_layers} on, which this decoder does not do, so it is refused; Llama has
     * no window.
     */
    private static int slidingWindow(String type, JsonNode n) {
        if (type.equals("qwen2")) {
            if (n.path("use_sliding_window").asBoolean(false)) {
                throw new IllegalArgumentException("use_sliding_window true (Qwen2's sliding window on the layers from "
                        + "max_window_layers) is not supported");
            }
            return 0;
        }
        if (!type.equals("mistral")) {
            return 0;
        }
        JsonNode w = n.get("sliding_window");
        if (w == null || w.isNull()) {
            return 0;
        }
        if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() <= 0) {
            throw new IllegalArgumentException("field sliding_window must be a positive integer or null, got " + w);
        }
        return w.asInt();
    }

    /** Token ids that may be absent (none, also written -1), an int, or a list of ints. */
    private static List<Integer> ids(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || (v.isIntegralNumber() && v.asLong() == -1)) {
            return List.of(); // -1: none, as Tandem writes a missing id
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v.isArray() ? v : List.of(v)) {
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0) {
                throw new IllegalArgumentException("field " + field + " must be a token id or a list of them, got " + v);
            }
            if (!out.contains(e.asInt())) {
                out.add(e.asInt());
            }
        }
        return out;
    }

    private static double number(JsonNode n, String field, double dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field " + field + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field " + field + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static int integer(JsonNode n, String field, int dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (dflt < 0) {
                throw new IllegalArgumentException("field " + field + " is missing");
            }
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("field " + field + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw new IllegalArgumentException("field " + field + " must be a string, got " + v);
        }
        return v == null || v.isNull() ? dflt : v.asText();
    }

    /** Token ids may be absent (-1), an int, or a list (first one taken). */
    private static int firstId(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return -1;
        }
        JsonNode id = v.isArray() ? (v.size() == 0 ? null : v.get(0)) : v;
        if (id == null) {
            return -1;
        }
        if (!id.isIntegralNumber() || !id.canConvertToInt()) {
            throw new IllegalArgumentException("field " + field + " must be a token id, got " + v);
        }
        return id.asInt();
    }

    public int queryDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** The id that fills a left-padded batch: the pad token, else end-of-sequence, else 0 (padding is masked anyway). */
    public int batchPadId() {
        return padTokenId >= 0 ? padTokenId : Math.max(0, eosTokenId);
    }

    /** Number of weights, counting a tied LM head once. */
    public long parameterCount() {
        long h = hiddenSize;
        long attn = h * queryDim() + 2L * h * kvDim() + (long) queryDim() * h
                + (attentionBias ? queryDim() + 2L * kvDim() : 0);
        long mlp = 3L * h * intermediateSize;
        long layer = attn + mlp + 2 * h;
        long embed = (long) vocabSize * h;
        return numLayers * layer + embed + h + (tieWordEmbeddings ? 0 : embed);
    }

    /** Bytes the weights take once loaded as float32 (Tandem computes in float32). */
    public long float32Bytes() {
        return bytes(SafetensorsDtype.F32);
    }

    /** Bytes the weights take stored in {@code dtype} (e.g. the checkpoint's BF16 files). */
    public long bytes(SafetensorsDtype dtype) {
        return parameterCount() * dtype.bytes();
    }

    /**
     * Refuses a model whose weights would not fit in {@code available} bytes. Float32 tensors of
     * a safetensors file are used in place from the memory-mapped file ({@code mappedBytes}):
     * their pages belong to the page cache, which the kernel can drop and re-read, so they are
     * not counted; what is really copied (F16/BF16 widened to float32) is. {@code extraBytes}
     * adds what a use needs beyond the weights (e.g. training state). The message gives both the
     * need and what is available.
     */
    public void checkFits(AvailableMemory available, long mappedBytes, long extraBytes) {
        long copied = Math.max(0, float32Bytes() - mappedBytes);
        long need = copied + Math.max(0, extraBytes);
        if (need > available.bytes()) {
            StringBuilder why = new StringBuilder();
            why.append(String.format(Locale.ROOT, "%,d float32 parameters: %s copied into memory", parameterCount(),
                    ByteSize.human(copied)));
            if (mappedBytes > 0) {
                why.append(", ").append(ByteSize.human(mappedBytes)).append(" used in place from the memory-mapped file");
            }
            if (extraBytes > 0) {
                why.append(", ").append(ByteSize.human(extraBytes)).append(" for training");
            }
            throw new UsageException("model needs " + ByteSize.human(need) + " (" + why + ") but only "
                    + ByteSize.human(available.bytes()) + " is available (" + available.source() + ")");
        }
    }

    /** The config as Hugging Face writes it (transformers-5 rope layout). */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.putArray("architectures").add(switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            default -> "LlamaForCausalLM";
        });
        n.put("model_type", modelType);
        n.put("hidden_size", hiddenSize);
        n.put("intermediate_size", intermediateSize);
        n.put("num_hidden_layers", numLayers);
        n.put("num_attention_heads", numHeads);
        n.put("num_key_value_heads", numKvHeads);
        n.put("head_dim", headDim);
        n.put("hidden_act", "silu");
        n.put("rms_norm_eps", rmsNormEps);
        n.put("attention_bias", attentionBias);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("vocab_size", vocabSize);
        n.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() > 1) {
            eosTokenIds.forEach(n.putArray("eos_token_id")::add);
        } else {
            n.put("eos_token_id", eosTokenId);
        }
        n.put("pad_token_id", padTokenId);
        if (slidingWindow > 0) {
            n.put("sliding_window", slidingWindow);
        }
        n.put("max_position_embeddings", maxPositionEmbeddings);
        n.put("rope_theta", rope.theta());
        ObjectNode rp = n.putObject("rope_parameters");
        rp.put("rope_theta", rope.theta());
        rp.put("rope_type", rope.type());
        if (!rope.type().equals("default")) {
            rp.put("factor", rope.factor());
        }
        if (rope.type().equals("llama3")) {
            rp.put("low_freq_factor", rope.lowFreqFactor());
            rp.put("high_freq_factor", rope.highFreqFactor());
            rp.put("original_max_position_embeddings", rope.originalMaxPositions());
        }
        n.put("torch_dtype", "float32");
        return n;
    }

    /** The same architecture with a different vocabulary size (after adding tokens). */
    public LlamaConfig withVocabSize(int v) {
        return new LlamaConfig(modelType, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                rmsNormEps, rope, attentionBias, tieWordEmbeddings, v, bosTokenId, eosTokenId, padTokenId,
                maxPositionEmbeddings, eosTokenIds, slidingWindow);
    }
}
