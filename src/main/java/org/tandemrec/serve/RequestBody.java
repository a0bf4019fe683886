package org.tandemrec.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON request body and its typed fields: malformed JSON is a 400 naming the problem and where
 * it is; a missing field, or one of the wrong type or value, a 422 naming the field.
 */
final class RequestBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestBody() {
    }

    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiError(400, "malformed JSON: the request body is empty");
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String what = e.getOriginalMessage();
            // Jackson appends where an unclosed object began, with a redacted source: the position below says enough.
            int marker = what.indexOf(" (start marker at");
            throw new ApiError(400, "malformed JSON: " + (marker >= 0 ? what.substring(0, marker) : what)
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new ApiError(400, "malformed JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw ApiError.field("body", "must be a JSON object");
        }
        return n;
    }

    static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw ApiError.field(field, "is missing");
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw ApiError.field(field, "must be a non-empty string, got " + v.getNodeType().toString().toLowerCase());
        }
        return v.asText();
    }

    /** A list of non-empty strings of 1 to {@code max} entries; null when absent and not {@code required}. */
    static List<String> texts(JsonNode o, String field, int max, boolean required) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.field(field, "is missing");
            }
            return null;
        }
        if (!v.isArray()) {
            throw ApiError.field(field, "must be a list of strings, got " + v.getNodeType().toString().toLowerCase());
        }
        if (v.isEmpty() || v.size() > max) {
            throw ApiError.field(field, "must hold 1 to " + max + " ids, got " + v.size());
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode x = v.get(i);
            if (!x.isTextual() || x.asText().isEmpty()) {
                throw ApiError.field(field + "[" + i + "]", "must be a non-empty string, got " + x);
            }
            out.add(x.asText());
        }
        return out;
    }

    static int integer(JsonNode o, String field, int min, int max) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw ApiError.field(field, "is missing");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw ApiError.field(field, "must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return v.asInt();
    }

    /** {@code mode}: {@code cascade} (default) or {@code crm} (the CRM's answer for every item). */
    static boolean cascadeMode(JsonNode o) {
        JsonNode v = o.get("mode");
        if (v == null || v.isNull()) {
            return true;
        }
        if (!v.isTextual() || !(v.asText().equals("cascade") || v.asText().equals("crm"))) {
            throw ApiError.field("mode", "must be \"cascade\" or \"crm\", got " + v);
        }
        return v.asText().equals("cascade");
    }

    /** {@code context.titles}: titles of items the run does not know (the cold path's prompts name them). */
    static Map<String, String> titles(JsonNode o) {
        JsonNode c = o.get("context");
        if (c == null || c.isNull()) {
            return Map.of();
        }
        if (!c.isObject()) {
            throw ApiError.field("context", "must be an object, got " + c.getNodeType().toString().toLowerCase());
        }
        for (var e : c.properties()) {
            if (!e.getKey().equals("titles")) {
                throw ApiError.field("context." + e.getKey(), "is not a known field (known: titles)");
            }
        }
        JsonNode t = c.get("titles");
        if (t == null || t.isNull()) {
            return Map.of();
        }
        if (!t.isObject()) {
            throw ApiError.field("context.titles", "must be an object of item id to title");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : t.properties()) {
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                throw ApiError.field("context.titles." + e.getKey(), "must be a non-empty string, got " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Refuses fields the endpoint does not know, so a misspelt one is not silently ignored. */
    static void onlyFields(JsonNode o, List<String> known) {
        for (var e : o.properties()) {
            if (!known.contains(e.getKey())) {
                throw ApiError.field(e.getKey(), "is not a known field (known: " + String.join(", ", known) + ")");
            }
        }
    }
}
