package org.tandemrec.llm.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.JsonSyntaxError;
import org.tandemrec.data.DataFormatException;

/**
 * A Hugging Face fast tokenizer loaded offline from {@code tokenizer.json}. Encoding never adds
 * special tokens and never truncates (DJL's default would cut at 512 tokens). Added tokens
 * ({@code <uid_k>}, {@code <iid_k>}) are whole units that BPE never splits.
 */
public final class LlmTokenizer implements AutoCloseable {
    /** Upper bound given to the native tokenizer; truncation is off, so it never cuts. */
    private static final int NO_LIMIT = 1 << 30;
    /**
     * The tokenizer models and pre-tokenizers of Hugging Face's {@code tokenizers}. Checked here
     * because the native parser refuses an unknown one only as "data did not match any variant of
     * untagged enum ModelUntagged", which names neither the field nor the value.
     */
    private static final List<String> MODELS = List.of("BPE", "Unigram", "WordLevel", "WordPiece");
    private static final List<String> PRE_TOKENIZERS = List.of("BertPreTokenizer", "ByteLevel", "CharDelimiterSplit",
            "Digits", "FixedLength", "Metaspace", "Punctuation", "Sequence", "Split", "UnicodeScripts", "Whitespace",
            "WhitespaceSplit");

    private final HuggingFaceTokenizer tokenizer;
    private final String json;
    private final String configJson;
    private final Map<String, Integer> addedTokens;

    private LlmTokenizer(String json, String configJson) throws IOException {
        this.json = json;
        this.configJson = configJson;
        Map<String, String> opts = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "maxLength", String.valueOf(NO_LIMIT), "modelMaxLength", String.valueOf(NO_LIMIT));
        this.tokenizer = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), opts);
        Map<String, Integer> added = new HashMap<>();
        for (JsonNode t : new ObjectMapper().readTree(json).path("added_tokens")) {
            added.put(t.path("content").asText(), t.path("id").asInt());
        }
        this.addedTokens = Collections.unmodifiableMap(added);
    }

    /**
     * {@link #load(Path)}, refused when a token id is past the model's {@code vocabSize}
     * (its {@code config.json}): such a token would index past the embedding table.
     */
    public static LlmTokenizer load(Path dir, int vocabSize) throws IOException {
        LlmTokenizer t = load(dir);
        int size = t.size();
        if (size > vocabSize) {
            t.close();
            throw new DataFormatException(dir.resolve("tokenizer.json"), "token id " + (size - 1) + " is past the model's"
                    + " vocab_size " + vocabSize + " (config.json): the tokenizer belongs to another model");
        }
        return t;
    }

    /** Loads {@code tokenizer.json} (and {@code tokenizer_config.json} if present) from a checkpoint directory. */
    public static LlmTokenizer load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": tokenizer.json not found");
        }
        Path cfg = dir.resolve("tokenizer_config.json");
        String json = readText(file);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(file, "not valid JSON: " + JsonSyntaxError.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new DataFormatException(file, "expected a JSON object (a Hugging Face fast tokenizer)");
        }
        if (!root.path("model").isObject()) {
            throw new DataFormatException(file, "field model must be an object (the tokenizer's vocabulary and merges), got "
                    + (root.has("model") ? root.get("model").getNodeType().toString().toLowerCase(java.util.Locale.ROOT) : "none"));
        }
        if (root.has("added_tokens") && !root.get("added_tokens").isArray()) {
            throw new DataFormatException(file, "field added_tokens must be a list");
        }
        for (JsonNode t : root.path("added_tokens")) {
            if (!t.path("content").isTextual() || !t.path("id").isIntegralNumber() || !t.path("id").canConvertToInt()
                    || t.path("id").asInt() < 0) {
                throw new DataFormatException(file, "added_tokens entry " + t + " needs a string content and an id >= 0");
            }
        }
        JsonNode type = root.get("model").get("type");
        if (type != null && !MODELS.contains(type.asText())) { // without a type, the parser infers the model
            throw new DataFormatException(file, "field model.type: unknown tokenizer model " + type + " (known: "
                    + String.join(", ", MODELS) + ")");
        }
        JsonNode merges = root.get("model").get("merges");
        if (merges != null && !merges.isArray()) { // the parser's own word for this is "untagged enum MergeType"
            throw new DataFormatException(file, "field model.merges must be a list of merges, got " + merges);
        }
        checkPreTokenizer(file, root.path("pre_tokenizer"), "pre_tokenizer");
        String config = Files.isRegularFile(cfg) ? readText(cfg) : null;
        try {
            return new LlmTokenizer(json, config);
        } catch (RuntimeException e) {
            // The native parser's own words (e.g. "invalid type: integer `5`, expected a map at line 1 column 40").
            String why = e.getMessage() == null ? "unreadable" : e.getMessage().replaceAll("\\s+", " ").strip();
            throw new DataFormatException(file, "not a Hugging Face fast tokenizer: " + why);
        }
    }

    /** Refuses a pre-tokenizer, or one inside a {@code Sequence}, of a type the parser does not know. */
    private static void checkPreTokenizer(Path file, JsonNode p, String field) {
        if (p.isMissingNode() || p.isNull()) {
            return;
        }
        JsonNode type = p.path("type");
        if (!p.isObject() || !PRE_TOKENIZERS.contains(type.asText())) {
            throw new DataFormatException(file, "field " + field + ".type: unknown pre-tokenizer "
                    + (!p.isObject() ? p : type.isMissingNode() ? "none" : type) + " (known: " + String.join(", ", PRE_TOKENIZERS) + ")");
        }
        int i = 0;
        for (JsonNode inner : p.path("pretokenizers")) {
            checkPreTokenizer(file, inner, field + ".pretokenizers[" + i++ + "]");
        }
    }

    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DataFormatException(file, "not UTF-8 text");
        }
    }

    /** A tokenizer from the text of {@code tokenizer.json} (and {@code tokenizer_config.json}, may be null). */
    public static LlmTokenizer fromJson(String tokenizerJson, String tokenizerConfigJson) throws IOException {
        return new LlmTokenizer(tokenizerJson, tokenizerConfigJson);
    }

    /** Token ids of {@code text}, without special tokens and without truncation. */
    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Text of {@code ids}; special tokens are kept when {@code skipSpecial} is false. */
    public String decode(int[] ids, boolean skipSpecial) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, skipSpecial);
    }

    /** Id of an added (special) token such as {@code <|endoftext|>}; fails naming the token when absent. */
    public int addedTokenId(String token) {
        Integer id = addedTokens.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token " + token + " is not an added token of this tokenizer");
        }
        return id;
    }

    public Map<String, Integer> addedTokens() {
        return addedTokens;
    }

    /** Largest id in the vocabulary or the added tokens, plus one. */
    public int size() throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        int max = -1;
        for (JsonNode v : root.path("model").path("vocab")) {
            max = Math.max(max, v.asInt());
        }
        for (int id : addedTokens.values()) {
            max = Math.max(max, id);
        }
        return max + 1;
    }

    /**
     * A tokenizer with {@code tokens} appended as special added tokens, numbered from
     * {@link #size()} in the given order. Tokens already present are refused.
     */
    public LlmTokenizer withAddedTokens(List<String> tokens) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(json);
        ArrayNode added = root.has("added_tokens") && root.get("added_tokens").isArray()
                ? (ArrayNode) root.get("added_tokens") : root.putArray("added_tokens");
        JsonNode vocab = root.path("model").path("vocab");
        int next = size();
        for (String t : tokens) {
            if (addedTokens.containsKey(t) || vocab.has(t)) {
                throw new IllegalArgumentException("token " + t + " is already in the vocabulary");
            }
            ObjectNode n = added.addObject();
            n.put("id", next++);
            n.put("content", t);
            n.put("single_word", false);
            n.put("lstrip", false);
            n.put("rstrip", false);
            n.put("normalized", false);
            n.put("special", true);
        }
        return new LlmTokenizer(om.writeValueAsString(root), configJson);
    }

    /** Writes {@code tokenizer.json} (and {@code tokenizer_config.json} when known) into {@code dir}. */
    public void save(Path dir) throws IOException {
        AtomicFile.writeString(dir.resolve("tokenizer.json"), json);
        if (configJson != null) {
            AtomicFile.writeString(dir.resolve("tokenizer_config.json"), configJson);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
