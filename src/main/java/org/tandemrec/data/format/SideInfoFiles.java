package org.tandemrec.data.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * The JSON-lines files that carry id maps with side information, shared by the Tandem dataset
 * directory and split directories.
 *
 * <p>{@code items.jsonl}: one object per item in index order,
 * {@code {"item_id": "...", "title": "...", "categories": ["..."], "description": "..."}}.
 * {@code users.jsonl}: one object per user in index order, {@code {"user_id": "...", "<field>": "..."}}
 * with the profile fields as string members.
 */
public final class SideInfoFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SideInfoFiles() {
    }

    /** Item ids and their side information, as read from {@code items.jsonl}. */
    public record Items(IdMap ids, List<ItemInfo> info) {
    }

    /** User ids and their profiles, as read from {@code users.jsonl}. */
    public record Users(IdMap ids, List<UserProfile> profiles) {
    }

    public static void writeItems(Path file, IdMap ids, List<ItemInfo> info) throws IOException {
        if (ids.size() != info.size()) {
            throw new IllegalArgumentException("ids has " + ids.size() + " items but info has " + info.size());
        }
        AtomicFile.write(file, out -> {
            for (int i = 0; i < ids.size(); i++) {
                ObjectNode o = JSON.createObjectNode();
                ItemInfo it = info.get(i);
                o.put("item_id", ids.raw(i));
                o.put("title", it.title());
                var cats = o.putArray("categories");
                it.categories().forEach(cats::add);
                o.put("description", it.description());
                out.write(JSON.writeValueAsBytes(o));
                out.write('\n');
            }
        });
    }

    public static void writeUsers(Path file, IdMap ids, List<UserProfile> profiles) throws IOException {
        if (ids.size() != profiles.size()) {
            throw new IllegalArgumentException("ids has " + ids.size() + " users but profiles has " + profiles.size());
        }
        AtomicFile.write(file, out -> {
            for (int u = 0; u < ids.size(); u++) {
                ObjectNode o = JSON.createObjectNode();
                o.put("user_id", ids.raw(u));
                profiles.get(u).fields().forEach(o::put);
                out.write(JSON.writeValueAsBytes(o));
                out.write('\n');
            }
        });
    }

    public static Items readItems(Path file) throws IOException {
        IdMap.Builder ids = new IdMap.Builder();
        List<Long> lines = new ArrayList<>();
        List<ItemInfo> info = new ArrayList<>();
        forEachObject(file, (o, line) -> {
            internNewId(file, line, o, "item_id", ids, lines);
            List<String> cats = new ArrayList<>();
            JsonNode c = o.get("categories");
            if (c != null && !c.isNull()) {
                if (!c.isArray()) {
                    throw new DataFormatException(file, line, "categories", "expected an array");
                }
                c.forEach(n -> cats.add(n.asText()));
            }
            info.add(new ItemInfo(optionalText(o, "title"), cats, optionalText(o, "description")));
        });
        return new Items(ids.build(), info);
    }

    public static Users readUsers(Path file) throws IOException {
        IdMap.Builder ids = new IdMap.Builder();
        List<Long> lines = new ArrayList<>();
        List<UserProfile> profiles = new ArrayList<>();
        forEachObject(file, (o, line) -> {
            internNewId(file, line, o, "user_id", ids, lines);
            Map<String, String> fields = new LinkedHashMap<>();
            o.properties().forEach(e -> {
                if (!e.getKey().equals("user_id")) {
                    fields.put(e.getKey(), e.getValue().asText());
                }
            });
            profiles.add(new UserProfile(fields));
        });
        return new Users(ids.build(), profiles);
    }

    /**
     * Interns the line's required id, refusing one that an earlier line already had with the line
     * of the first, as the other formats' side files do; {@code lines} holds each id's line.
     */
    private static void internNewId(Path file, long line, JsonNode o, String field, IdMap.Builder ids,
            List<Long> lines) {
        String id = requiredText(file, line, o, field);
        int first = ids.indexOf(id);
        if (first >= 0) {
            throw new DataFormatException(file, line, field, "duplicate id '" + id + "' (first on line "
                    + lines.get(first) + ")");
        }
        ids.intern(id);
        lines.add(line);
    }

    private interface LineConsumer {
        void accept(JsonNode object, long line);
    }

    /** The next line, or a refusal naming the line when its bytes are not UTF-8. */
    public static String nextLine(Path file, BufferedReader r, long line) throws IOException {
        try {
            return r.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
            // The reader decodes ahead of the line it returns: find the line that holds the bad bytes.
            throw new DataFormatException(file, firstNonUtf8Line(file), "(encoding)", "not UTF-8 text");
        }
    }

    private static long firstNonUtf8Line(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
        long line = 1;
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                try {
                    d.decode(java.nio.ByteBuffer.wrap(b, start, i - start));
                } catch (java.nio.charset.CharacterCodingException e) {
                    return line;
                }
                line++;
                start = i + 1;
            }
        }
        return 0;
    }

    private static void forEachObject(Path file, LineConsumer consumer) throws IOException {
        long line = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            while ((s = nextLine(file, r, line + 1)) != null) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode o;
                try {
                    o = JSON.readTree(s);
                } catch (JsonProcessingException e) {
                    throw new DataFormatException(file, line, "(json)", org.tandemrec.base.JsonSyntaxError.describe(e)
                            .replaceFirst(" \\(line 1, column", " (column"));
                }
                if (!o.isObject()) {
                    throw new DataFormatException(file, line, "(json)", "expected an object");
                }
                consumer.accept(o, line);
            }
        }
    }

    private static String requiredText(Path file, long line, JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            throw new DataFormatException(file, line, field, "missing");
        }
        return n.asText();
    }

    private static String optionalText(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? "" : n.asText();
    }
}
