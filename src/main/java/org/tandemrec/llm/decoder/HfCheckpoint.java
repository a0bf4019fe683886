package org.tandemrec.llm.decoder;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.llm.safetensors.SafetensorsReader;
import org.tandemrec.llm.safetensors.SafetensorsWriter;
import org.tandemrec.llm.tokenizer.LlmTokenizer;

/**
 * Saves a decoder in the Hugging Face layout it is loaded from ({@code config.json}, {@code
 * model.safetensors}, {@code tokenizer.json}, {@code tokenizer_config.json}), so transformers
 * and Tandem read the same files. The safetensors metadata records {@code tandem_format} =
 * {@value #FORMAT} and {@code tandem_format_version} = {@value #VERSION}; loading refuses an
 * unknown version.
 */
public final class HfCheckpoint {
    public static final String FORMAT = "tandem-hf-decoder";
    public static final String VERSION = "1";

    private HfCheckpoint() {
    }

    /**
     * Writes every file atomically; {@code tokenizer} may be null. {@code config.json} goes last
     * and an earlier one is removed first, so an interrupted save never leaves a directory that
     * loads as a model with mismatched files.
     */
    public static void save(Path dir, DecoderWeights weights, LlmTokenizer tokenizer) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve(SafetensorsReader.SINGLE_FILE), weights.toSafetensors(),
                Map.of("format", "pt", "tandem_format", FORMAT, "tandem_format_version", VERSION));
        if (tokenizer != null) {
            tokenizer.save(dir);
        }
        ObjectNode cfg = weights.config().toJson();
        cfg.put("tandem_format", FORMAT);
        cfg.put("tandem_format_version", VERSION);
        AtomicFile.writeString(dir.resolve("config.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
    }

    /**
     * Writes {@code generation_config.json} with the config's special token ids (greedy decoding
     * by default), as transformers' {@code GenerationConfig.save_pretrained} does.
     */
    public static void saveGenerationConfig(Path dir, LlamaConfig config) throws IOException {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("bos_token_id", config.bosTokenId());
        if (config.eosTokenIds().size() > 1) {
            config.eosTokenIds().forEach(n.putArray("eos_token_id")::add);
        } else {
            n.put("eos_token_id", config.eosTokenId());
        }
        n.put("pad_token_id", config.padTokenId());
        n.put("do_sample", false);
        n.put("tandem_format", FORMAT);
        n.put("tandem_format_version", VERSION);
        AtomicFile.writeString(dir.resolve("generation_config.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }

    /** Loads weights saved by {@link #save} or by transformers' {@code save_pretrained}. */
    public static DecoderWeights load(Path dir, NDManager parent) throws IOException {
        return DecoderWeights.load(dir, parent);
    }
}
