package org.tandemrec.data.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.ItemInfo;

/**
 * Amazon review dumps, plain or gzip (recognised by magic bytes), one record per line in either
 * syntax, detected per line: a Python literal dict (2014 dumps, {@code {'asin': ...}}) or a
 * JSON object (2018 and 2023 dumps, {@code {"asin": ...}}). Both are UTF-8: a line whose ids or
 * text are not is refused naming the line.
 *
 * <p>Review fields: user {@code reviewerID} (2014/2018) or {@code user_id} (2023); rating
 * {@code overall} or {@code rating}; time {@code unixReviewTime} in seconds or {@code timestamp}
 * in milliseconds (2023; converted to seconds). The item is {@code parent_asin} when present,
 * else {@code asin}: the 2023 metadata is keyed by {@code parent_asin}, and the variants of one
 * product (sizes, colours, editions) share it, so they count as one item.
 *
 * <p>Metadata fields (optional file, same syntaxes and item key): {@code title};
 * categories from {@code main_category} / {@code main_cat} first, then {@code categories} (2014:
 * list of lists, flattened; 2023: list) or {@code category} (2018: list), duplicates removed;
 * {@code description} (a string, or a list of strings joined by a space).
 */
final class AmazonLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> REVIEW_KEYS = Set.of("reviewerID", "user_id", "parent_asin", "asin", "overall",
            "rating", "unixReviewTime", "timestamp");

    private AmazonLoader() {
    }

    static LoadResult load(Path file, LoadOptions options) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "expected an Amazon reviews file (JSON lines or Python literals, optionally gzip)");
        }
        BadLines bad = new BadLines(options.skipBadLines());
        InteractionCollector c = new InteractionCollector(InteractionCollector.expectedRows(file, 300),
                StandardCharsets.UTF_8);
        try (DelimitedReader r = new DelimitedReader(file, null, false).withProgress(file.getFileName().toString())) {
            r.forEachRecord(bad, () -> {
                Map<String, Object> o = isPythonLiteral(r) ? record(r) : jsonReviewFields(r);
                String user = text(r, o, "reviewerID", "user_id");
                String item = text(r, o, "parent_asin", "asin");
                float rating = rating(r, o);
                long time = time(r, o);
                c.add(c.users.intern(user), c.items.intern(item), rating, time);
            });
        }
        InteractionCollector.Interactions in = c.finish(file, bad);
        List<ItemInfo> info = in.emptyItemInfo();
        long dropped = 0;
        if (options.amazonMetadata() != null) {
            dropped = readMetadata(options.amazonMetadata(), in.items(), info, bad);
        }
        return bad.result(in.toDataset(CsvLoader.baseName(file), info, in.emptyProfiles()), dropped, 0);
    }

    /**
     * Fills {@code info} from the metadata file and returns the rows of items without reviews. A
     * second row of one item is refused ({@link SideRowLines}) unless what Tandem reads of it
     * (title, categories, description) equals the first's. Unlike the side files a user writes,
     * the metadata dumps are scraped and may list a product twice, and such a repeat changes
     * nothing; one that disagrees would silently replace the first.
     */
    private static long readMetadata(Path file, IdMap items, List<ItemInfo> info, BadLines bad) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "no such Amazon metadata file");
        }
        long[] dropped = {0};
        SideRowLines lines = new SideRowLines(items);
        try (DelimitedReader r = new DelimitedReader(file, null, false).withProgress(file.getFileName().toString())) {
            r.forEachRecord(bad, () -> {
                Map<String, Object> o = record(r);
                String id = text(r, o, "parent_asin", "asin");
                int idx = items.indexOf(id);
                if (idx < 0) {
                    dropped[0]++;
                    return;
                }
                ItemInfo it = itemInfo(r, o);
                if (lines.has(idx) && it.equals(info.get(idx))) {
                    return;
                }
                lines.claim(r, idx, presentKey(o, "parent_asin", "asin"), id);
                info.set(idx, it);
            });
        }
        return dropped[0];
    }

    static ItemInfo itemInfo(DelimitedReader r, Map<String, Object> o) {
        Object title = o.get("title");
        Set<String> cats = new LinkedHashSet<>();
        for (String key : List.of("main_category", "main_cat")) {
            Object m = o.get(key);
            // 2018 main_cat is sometimes an HTML image tag instead of a name.
            if (m instanceof String && !((String) m).isBlank() && !((String) m).contains("<")) {
                cats.add(((String) m).trim());
            }
        }
        for (String key : List.of("categories", "category")) {
            Object v = o.get(key);
            if (v != null && !(v instanceof List)) {
                throw r.problem(key, "expected a list, got " + v.getClass().getSimpleName());
            }
            if (v != null) {
                flatten((List<?>) v, cats);
            }
        }
        return new ItemInfo(title == null ? "" : String.valueOf(title).trim(), new ArrayList<>(cats),
                description(o.get("description")));
    }

    private static void flatten(List<?> list, Set<String> out) {
        for (Object e : list) {
            if (e instanceof List) {
                flatten((List<?>) e, out);
            } else if (e != null && !String.valueOf(e).isBlank()) {
                out.add(String.valueOf(e).trim());
            }
        }
    }

    private static String description(Object d) {
        if (d == null) {
            return "";
        }
        if (d instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object p : (List<?>) d) {
                if (p != null && !String.valueOf(p).isBlank()) {
                    parts.add(String.valueOf(p).trim());
                }
            }
            return String.join(" ", parts);
        }
        return String.valueOf(d).trim();
    }

    /** True when the first key after the line's opening brace is single-quoted (Python repr). */
    static boolean isPythonLiteral(DelimitedReader r) {
        byte[] b = r.bytes();
        int k = r.start(0);
        int e = r.end(0);
        while (k < e && (b[k] == ' ' || b[k] == '\t')) {
            k++;
        }
        if (k < e && b[k] == '{') {
            k++;
            while (k < e && (b[k] == ' ' || b[k] == '\t')) {
                k++;
            }
        }
        return k < e && b[k] == '\'';
    }

    /**
     * The review fields of a JSON line, read by a streaming parser straight from the bytes: the
     * other members (review texts, images, ...) are skipped without being decoded, which keeps
     * multi-gigabyte dumps fast.
     */
    static Map<String, Object> jsonReviewFields(DelimitedReader r) {
        Map<String, Object> m = new HashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(r.bytes(), r.start(0), r.end(0) - r.start(0))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw r.problem("(record)", "expected a '{' object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (!REVIEW_KEYS.contains(name)) {
                    p.skipChildren();
                } else if (v == JsonToken.VALUE_STRING) {
                    m.put(name, p.getText());
                } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                    m.put(name, p.getNumberValue());
                } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    m.put(name, List.of());
                } else if (v != JsonToken.VALUE_NULL) {
                    m.put(name, p.getText());
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw r.problem("(json)", "expected one complete object on the line");
            }
        } catch (JsonProcessingException e) {
            throw r.problem("(json)", e.getOriginalMessage());
        } catch (IOException e) {
            throw r.problem("(json)", e.getMessage());
        }
        return m;
    }

    /** The line as a map, parsed as a Python literal or as JSON by the quote after the brace. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> record(DelimitedReader r) {
        String line = r.utf8(0, "(record)");
        int k = 0;
        while (k < line.length() && Character.isWhitespace(line.charAt(k))) {
            k++;
        }
        if (k == line.length() || line.charAt(k) != '{') {
            throw r.problem("(record)", "expected a '{' object");
        }
        k++;
        while (k < line.length() && Character.isWhitespace(line.charAt(k))) {
            k++;
        }
        boolean python = k < line.length() && line.charAt(k) == '\'';
        try {
            Object v = python ? PythonLiteral.parse(line) : JSON.readValue(line, Map.class);
            if (!(v instanceof Map)) {
                throw r.problem("(record)", "expected a dict");
            }
            return (Map<String, Object>) v;
        } catch (IllegalArgumentException e) {
            throw r.problem("(python literal)", e.getMessage());
        } catch (JsonProcessingException e) {
            throw r.problem("(json)", e.getOriginalMessage());
        }
    }

    /** The first present, non-empty key's value as text; missing is an error naming the keys. */
    private static String text(DelimitedReader r, Map<String, Object> o, String key, String alt) {
        String k = presentKey(o, key, alt);
        if (k == null) {
            throw r.problem(key + "/" + alt, "missing");
        }
        Object v = o.get(k);
        if (v instanceof Map || v instanceof List) {
            throw r.problem(k, "expected a string id");
        }
        return String.valueOf(v);
    }

    /** The first of the two keys whose value is present and not empty, or null. */
    private static String presentKey(Map<String, Object> o, String key, String alt) {
        for (String k : new String[] {key, alt}) {
            Object v = o.get(k);
            if (v != null && !String.valueOf(v).isEmpty()) {
                return k;
            }
        }
        return null;
    }

    private static float rating(DelimitedReader r, Map<String, Object> o) {
        String key = o.containsKey("overall") ? "overall" : "rating";
        double d = number(r, o, key);
        if (!Double.isFinite(d)) {
            throw r.problem(key, "must be finite, got " + d);
        }
        return (float) d;
    }

    /** A time that a long holds: a cast would silently clamp 1e20 to the largest long. */
    private static double inLongRange(DelimitedReader r, String key, double v) {
        if (!(v >= -0x1p63 && v < 0x1p63)) {
            throw r.problem(key, "time " + v + " is out of range");
        }
        return v;
    }

    private static long time(DelimitedReader r, Map<String, Object> o) {
        if (o.get("unixReviewTime") != null) {
            return (long) Math.floor(inLongRange(r, "unixReviewTime", number(r, o, "unixReviewTime")));
        }
        if (o.get("timestamp") != null) {
            return Math.floorDiv((long) Math.floor(inLongRange(r, "timestamp", number(r, o, "timestamp"))), 1000L);
        }
        throw r.problem("unixReviewTime/timestamp", "missing");
    }

    private static double number(DelimitedReader r, Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof String) {
            try {
                return Double.parseDouble(((String) v).trim());
            } catch (NumberFormatException e) {
                throw r.problem(key, "expected a number, got '" + v + "'");
            }
        }
        throw r.problem(key, v == null ? "missing" : "expected a number, got " + v);
    }
}
