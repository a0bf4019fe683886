package org.tandemrec.llm.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tandemrec.data.DataFormatException;

/**
 * The tensors of a Hugging Face checkpoint directory: either one {@code model.safetensors} or
 * shards listed by {@code model.safetensors.index.json} ({@code weight_map}: tensor name → shard
 * file). Every file is memory-mapped once; lookups of absent tensors fail naming the tensor.
 */
public final class SafetensorsReader {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path source;
    private final Map<String, SafetensorsTensor> tensors;
    private final Map<String, String> metadata;
    /** The shard of each tensor of a sharded checkpoint (empty for one file: {@link #source}). */
    private final Map<String, Path> shardOf;

    private SafetensorsReader(Path source, Map<String, SafetensorsTensor> tensors, Map<String, String> metadata,
                              Map<String, Path> shardOf) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
        this.shardOf = Collections.unmodifiableMap(shardOf);
    }

    /** The {@code __metadata__} entries (of the first shard for sharded checkpoints). */
    public Map<String, String> metadata() {
        return metadata;
    }

    private static SafetensorsReader single(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        return new SafetensorsReader(file, new LinkedHashMap<>(f.tensors()), f.metadata(), Map.of());
    }

    /** Opens a checkpoint directory, or a single {@code .safetensors} file. */
    public static SafetensorsReader open(Path dirOrFile) throws IOException {
        if (Files.isRegularFile(dirOrFile)) {
            if (isPickle(dirOrFile)) {
                throw pickleRefused(dirOrFile);
            }
            return single(dirOrFile);
        }
        Path index = dirOrFile.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(dirOrFile, index);
        }
        Path single = dirOrFile.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return single(single);
        }
        Path pickle = Files.isRegularFile(dirOrFile.resolve("pytorch_model.bin")) ? dirOrFile.resolve("pytorch_model.bin")
                : Files.isRegularFile(dirOrFile.resolve("pytorch_model.bin.index.json"))
                        ? dirOrFile.resolve("pytorch_model.bin.index.json") : null;
        if (pickle != null) {
            throw pickleRefused(pickle);
        }
        throw new java.io.FileNotFoundException(dirOrFile + ": neither " + SINGLE_FILE + " nor " + INDEX_FILE + " found");
    }

    /** PyTorch's pickle formats, which can run code when loaded: never read, whatever their content. */
    private static boolean isPickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ckpt")
                || name.endsWith(".pkl");
    }

    private static SafetensorsFormatException pickleRefused(Path file) {
        return new SafetensorsFormatException(file, "PyTorch pickle weights can run code when loaded and are never read;"
                + " convert the checkpoint to safetensors first (transformers: model.save_pretrained(OUT,"
                + " safe_serialization=True))");
    }

    private static SafetensorsReader openSharded(Path dir, Path index) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new SafetensorsFormatException(index, "not valid JSON: " + e.getMessage());
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsFormatException(index, "missing object field weight_map");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
        Map<String, Path> shardOf = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shardName = e.getValue().asText();
            Path shardPath = dir.resolve(shardName).normalize();
            if (!shardPath.startsWith(dir.normalize())) {
                throw new SafetensorsFormatException(index, "tensor " + e.getKey() + ": shard " + shardName + " is outside the directory");
            }
            SafetensorsFile shard = shards.get(shardName);
            if (shard == null) {
                if (!Files.isRegularFile(shardPath)) {
                    throw new SafetensorsFormatException(index, "tensor " + e.getKey() + ": shard file " + shardName + " does not exist");
                }
                shard = SafetensorsFile.open(shardPath);
                shards.put(shardName, shard);
            }
            SafetensorsTensor t = shard.tensors().get(e.getKey());
            if (t == null) {
                throw new SafetensorsFormatException(shardPath, "tensor " + e.getKey() + " is listed in " + INDEX_FILE + " but absent from the shard");
            }
            tensors.put(e.getKey(), t);
            shardOf.put(e.getKey(), shardPath);
        }
        Map<String, String> meta = shards.isEmpty() ? Map.of() : shards.values().iterator().next().metadata();
        return new SafetensorsReader(index, tensors, meta, shardOf);
    }

    /** The file or index this reader was opened from. */
    public Path source() {
        return source;
    }

    /** The file holding tensor {@code name}: its shard, or the one file. */
    public Path fileOf(String name) {
        return shardOf.getOrDefault(name, source);
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The named tensor; fails naming the tensor and the checkpoint when it is absent. */
    public SafetensorsTensor tensor(String name) {
        SafetensorsTensor t = tensors.get(name);
        if (t == null) {
            throw new DataFormatException(source, "missing tensor " + name);
        }
        return t;
    }
}
