package org.tandemrec.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A settings file of flat {@code key: value} pairs, YAML or JSON (by the {@code .json}
 * extension), and its typed values. Errors name the file, or the key, so a user sees which
 * setting to mend; the models' and trainers' configs validate the values themselves.
 *
 * <p>A file of nested sections (an experiment of {@code tandem run}) names a value by its path,
 * {@code models[2].settings.learning_rate}: {@link #readLocated} keeps the line each path starts
 * on, and {@link #problems} collects every error of one section under its path instead of
 * stopping at the first.
 */
public final class SettingsFile {
    private SettingsFile() {
    }

    /** The mapping in {@code file}; an empty one when the file holds nothing. */
    public static ObjectNode read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new FileSystemException(file.toString(), null, "not a settings file (a directory?)");
        }
        boolean json = file.toString().endsWith(".json");
        // A key given twice is ambiguous (which one did the user mean?): refused, not the last one taken.
        ObjectMapper mapper = (json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory()))
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(text(file));
        } catch (JsonProcessingException e) {
            throw new UsageException(file + ": not valid " + (json ? "JSON" : "YAML") + ": "
                    + JsonSyntaxError.describe(e), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return mapper.createObjectNode();
        }
        if (!root.isObject()) {
            throw new UsageException(file + ": expected a mapping of settings");
        }
        return (ObjectNode) root;
    }

    private static String text(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UsageException(file + ": not UTF-8 text", e);
        }
    }

    /**
     * A settings file's mapping and the line each value is given on, by path ({@code dataset.format},
     * {@code models[2].settings.learning_rate}).
     */
    public record Located(Path file, ObjectNode root, Map<String, Integer> lines) {
        public Located {
            lines = Map.copyOf(lines);
        }

        /** The line of {@code path}, or of the nearest enclosing section given in the file; 0 when none is. */
        public int lineOf(String path) {
            String p = path;
            while (!p.isEmpty()) {
                Integer line = lines.get(p);
                if (line != null) {
                    return line;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                p = cut < 0 ? "" : p.substring(0, cut);
            }
            return 0;
        }
    }

    /** {@link #read} with the line of every key and list element. */
    public static Located readLocated(Path file) throws IOException {
        ObjectNode root = read(file);
        boolean json = file.toString().endsWith(".json");
        ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(text(file))) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                JsonStreamContext c = p.getParsingContext();
                if (t == JsonToken.FIELD_NAME) {
                    lines.putIfAbsent(pathOf(c), p.currentTokenLocation().getLineNr());
                } else if (t.isStructStart() && c.getParent() != null && c.getParent().inArray()) {
                    lines.putIfAbsent(pathOf(c.getParent()), p.currentTokenLocation().getLineNr());
                } else if (t.isScalarValue() && c.inArray()) {
                    lines.putIfAbsent(pathOf(c), p.currentTokenLocation().getLineNr());
                }
            }
        }
        return new Located(file, root, lines);
    }

    /** The path of a parser's position: object keys joined by dots, list indices in brackets. */
    private static String pathOf(JsonStreamContext c) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext x = c; x != null && !x.inRoot(); x = x.getParent()) {
            if (x.inArray()) {
                parts.add(0, "[" + Math.max(0, x.getCurrentIndex()) + "]");
            } else if (x.getCurrentName() != null) {
                parts.add(0, "." + x.getCurrentName());
            }
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }

    /** {@code prefix.key}, or {@code key} at the top. */
    public static String path(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /**
     * Every problem of applying {@code given} to a settings record, as {@code path.key: message}
     * lines: each key is applied alone first (a mapping value such as {@code sft} key by key), so
     * one bad key does not hide the next, and when they all pass, all together, so that a rule
     * across keys is checked too (reported at {@code path}). {@code apply} receives the label its
     * errors start with and the keys to apply, and throws {@link IllegalArgumentException} (a
     * {@link UsageException} from the records and value readers).
     */
    public static List<String> problems(String path, JsonNode given, BiConsumer<String, JsonNode> apply) {
        List<String> out = new ArrayList<>();
        if (!given.isObject()) {
            out.add(path + ": must be a mapping of settings, got " + given);
            return out;
        }
        collect(path, List.of(), given, apply, out);
        if (out.isEmpty()) {
            try {
                apply.accept(path, given);
            } catch (IllegalArgumentException e) {
                out.add(path + ": " + strip(e.getMessage(), path, List.of()));
            }
        }
        return out;
    }

    private static void collect(String path, List<String> outer, JsonNode given, BiConsumer<String, JsonNode> apply,
                                List<String> out) {
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            List<String> keys = new ArrayList<>(outer);
            keys.add(e.getKey());
            if (e.getValue().isObject() && !e.getValue().isEmpty()) {
                collect(path, keys, e.getValue(), apply, out);
                continue;
            }
            JsonNode single = e.getValue();
            for (int k = keys.size() - 1; k >= 0; k--) {
                single = new ObjectMapper().createObjectNode().set(keys.get(k), single);
            }
            try {
                apply.accept(path, single);
            } catch (IllegalArgumentException ex) {
                out.add(path(path, String.join(".", keys)) + ": " + strip(ex.getMessage(), path, keys));
            }
        }
    }

    /**
     * A record's message without what the path already says: the label, the enclosing keys
     * ({@code sft: }), {@code setting 'k': } and the key's own name in front.
     */
    private static String strip(String message, String path, List<String> keys) {
        String m = message == null ? "invalid" : message;
        if (m.startsWith(path + ": ")) {
            m = m.substring(path.length() + 2);
        }
        for (String k : keys) {
            if (m.startsWith(k + ": ")) {
                m = m.substring(k.length() + 2);
            }
            if (m.startsWith("setting '" + k + "': ")) {
                m = m.substring(k.length() + 12);
            }
        }
        if (!keys.isEmpty()) {
            String k = keys.get(keys.size() - 1);
            m = m.replace("unknown setting '" + k + "'", "unknown setting");
            String dotted = String.join(".", keys) + " ";
            if (m.startsWith(dotted)) {
                m = m.substring(dotted.length());
            } else if (m.startsWith(k + " ")) {
                m = m.substring(k.length() + 1);
            }
        }
        return m;
    }

    public static int intValue(JsonNode v, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new UsageException(key + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    public static long longValue(JsonNode v, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new UsageException(key + " must be an integer, got " + v);
        }
        return v.asLong();
    }

    public static double doubleValue(JsonNode v, String key) {
        if (!v.isNumber()) {
            throw new UsageException(key + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    public static boolean booleanValue(JsonNode v, String key) {
        if (!v.isBoolean()) {
            throw new UsageException(key + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    public static String textValue(JsonNode v, String key) {
        if (!v.isTextual()) {
            throw new UsageException(key + " must be a string, got " + v);
        }
        return v.asText();
    }

    /** Refuses {@code v <= 0}, naming the setting. */
    public static void requirePositive(String key, int v) {
        if (v <= 0) {
            throw new UsageException(key + " must be > 0, got " + v);
        }
    }

    /** Refuses {@code v < 0}, naming the setting. */
    public static void requireNonNegative(String key, int v) {
        if (v < 0) {
            throw new UsageException(key + " must be >= 0, got " + v);
        }
    }
}
