package org.tandemrec.llm.sft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.JsonSyntaxError;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.format.SideInfoFiles;

/**
 * Supervised fine-tuning data as JSON Lines (UTF-8), format {@value #FORMAT} version
 * {@value #VERSION}: one JSON object per line,
 * <pre>{@code
 * {"format": "tandem-sft", "version": 1}
 * {"id": "u12-i40", "prompt": "User 12 watched Heat (1995). Will they like Casino (1995)?", "answer": " Yes"}
 * {"prompt": "Toy Story (1995) is a", "answer": " comedy"}
 * }</pre>
 * <ul>
 *   <li>{@code prompt} (string, non-empty): the model's input; no loss is taken on it.</li>
 *   <li>{@code answer} (string, non-empty): what the model learns to continue the prompt with;
 *       it is tokenised separately and appended to the prompt's tokens, followed by the model's
 *       end-of-sequence token, so a separating space belongs at the start of the answer.</li>
 *   <li>{@code id} (string or integer, optional): names the example; ids must be unique.</li>
 * </ul>
 * The header line is optional (a file a user writes by hand may start with an example); when
 * present it must be the first non-blank line, and another format or version is refused. Blank
 * lines are skipped; any other key, a missing or empty field or a line that is not a JSON object
 * fails with the file, the line number and the field.
 */
public final class SftDataFile {
    public static final String FORMAT = "tandem-sft";
    public static final int VERSION = 1;
    private static final Set<String> FIELDS = Set.of("id", "prompt", "answer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SftDataFile() {
    }

    /** Reads every example of {@code file}; at least one is required. */
    public static List<SftExample> read(Path file) throws IOException {
        List<SftExample> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        boolean first = true;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            long line = 0;
            while ((text = SideInfoFiles.nextLine(file, r, line + 1)) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new DataFormatException(file, line, "(line)", "not valid JSON: "
                            + JsonSyntaxError.describe(e).replaceFirst(" \\(line 1, column", " (column"));
                }
                if (n == null || !n.isObject()) {
                    throw new DataFormatException(file, line, "(line)", "expected a JSON object, got " + abbreviate(text));
                }
                boolean header = n.has("format");
                if (header) {
                    if (!first) {
                        throw new DataFormatException(file, line, "format", "a format header is allowed only on the first line");
                    }
                    checkHeader(file, line, n);
                    first = false;
                    continue;
                }
                first = false;
                out.add(example(file, line, n, ids));
            }
        } catch (NoSuchFileException e) {
            throw new java.io.FileNotFoundException(file + ": SFT data file not found");
        }
        if (out.isEmpty()) {
            throw new DataFormatException(file, "no examples (expected JSON lines with prompt and answer)");
        }
        return out;
    }

    private static void checkHeader(Path file, long line, JsonNode n) {
        String format = n.get("format").asText();
        if (!FORMAT.equals(format)) {
            throw new DataFormatException(file, line, "format", "expected " + FORMAT + ", got '" + format + "'");
        }
        JsonNode v = n.get("version");
        if (v == null || !v.isIntegralNumber()) {
            throw new DataFormatException(file, line, "version", "must be an integer, got " + v);
        }
        if (v.asInt() != VERSION) {
            throw new DataFormatException(file, line, "version", FORMAT + " version " + v.asInt()
                    + " is not supported (this version reads " + VERSION + ")");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getKey().equals("format") && !e.getKey().equals("version")) {
                throw new DataFormatException(file, line, e.getKey(), "unknown header field (known: format, version)");
            }
        }
    }

    private static SftExample example(Path file, long line, JsonNode n, Set<String> ids) {
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!FIELDS.contains(e.getKey())) {
                throw new DataFormatException(file, line, e.getKey(), "unknown field (known: id, prompt, answer)");
            }
        }
        String prompt = text(file, line, n, "prompt");
        String answer = text(file, line, n, "answer");
        String id = null;
        JsonNode idNode = n.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
                throw new DataFormatException(file, line, "id", "must be a string or an integer, got " + idNode);
            }
            id = idNode.asText();
            if (!ids.add(id)) {
                throw new DataFormatException(file, line, "id", "duplicate id '" + id + "'");
            }
        }
        return new SftExample(id, prompt, answer);
    }

    private static String text(Path file, long line, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new DataFormatException(file, line, field, "missing");
        }
        if (!v.isTextual()) {
            throw new DataFormatException(file, line, field, "must be a string, got " + abbreviate(v.toString()));
        }
        if (v.asText().isEmpty()) {
            throw new DataFormatException(file, line, field, "must not be empty");
        }
        return v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Writes {@code examples} with the format header, atomically. */
    public static void write(Path file, List<SftExample> examples) throws IOException {
        StringBuilder sb = new StringBuilder();
        ObjectNode header = JSON.createObjectNode();
        header.put("format", FORMAT);
        header.put("version", VERSION);
        sb.append(JSON.writeValueAsString(header)).append('\n');
        for (SftExample e : examples) {
            ObjectNode o = JSON.createObjectNode();
            if (e.id() != null) {
                o.put("id", e.id());
            }
            o.put("prompt", e.prompt());
            o.put("answer", e.answer());
            sb.append(JSON.writeValueAsString(o)).append('\n');
        }
        AtomicFile.writeString(file, sb.toString());
    }
}
