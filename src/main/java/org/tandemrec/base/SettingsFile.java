package org.tandemrec.base;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A settings file of flat {@code key: value} pairs, YAML or JSON (by the {@code .json}
 * extension), and its typed values. Errors name the file, or the key, so a user sees which
 * setting to mend; the models' and trainers' configs validate the values themselves.
 */
public final class SettingsFile {
    private SettingsFile() {
    }

    /** The mapping in {@code file}; an empty one when the file holds nothing. */
    public static ObjectNode read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": settings file not found");
        }
        boolean json = file.toString().endsWith(".json");
        ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return mapper.createObjectNode();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping of settings");
        }
        return (ObjectNode) root;
    }

    public static int intValue(JsonNode v, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    public static long longValue(JsonNode v, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + v);
        }
        return v.asLong();
    }

    public static double doubleValue(JsonNode v, String key) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    public static boolean booleanValue(JsonNode v, String key) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    public static String textValue(JsonNode v, String key) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string, got " + v);
        }
        return v.asText();
    }

    /** Refuses {@code v <= 0}, naming the setting. */
    public static void requirePositive(String key, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }

    /** Refuses {@code v < 0}, naming the setting. */
    public static void requireNonNegative(String key, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(key + " must be >= 0, got " + v);
        }
    }
}
