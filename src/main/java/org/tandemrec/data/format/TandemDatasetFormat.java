package org.tandemrec.data.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.UserProfile;

/**
 * Tandem's own data set directory: plain files that are easy to inspect, diff and produce from
 * other tools, and that round-trip a {@link Dataset} exactly (index order, interaction order,
 * values, timestamps and side information).
 *
 * <p>Layout (all UTF-8):
 * <ul>
 *   <li>{@code dataset.json}: {@code {"format": "tandem-dataset", "version": 1, "name": "...",
 *       "users": U, "items": I, "interactions": N}}. Another format or version is refused; the
 *       three counts are optional on reading and checked when present. It is written last, so a
 *       directory without it is incomplete.</li>
 *   <li>{@code interactions.tsv}: header {@code user_id<TAB>item_id<TAB>rating<TAB>timestamp},
 *       then one interaction per line with raw ids, the value (a rating, or a 0/1 label) as a
 *       decimal and the timestamp as integer seconds since the epoch.</li>
 *   <li>{@code items.jsonl}: every item in index order, as written by {@link SideInfoFiles}
 *       ({@code {"item_id", "title", "categories", "description"}}). It defines the item index,
 *       so items without interactions (cold items) are kept; an interaction naming an item not
 *       listed is an error.</li>
 *   <li>{@code users.jsonl} (optional): every user in index order with profile fields, as
 *       written by {@link SideInfoFiles}; when present it defines the user index and an unknown
 *       user is an error, when absent users are indexed in order of first appearance with empty
 *       profiles.</li>
 * </ul>
 * Raw ids must not contain tabs or line breaks. Every file is written atomically.
 */
public final class TandemDatasetFormat {
    public static final String FORMAT = "tandem-dataset";
    public static final int VERSION = 1;
    public static final String MANIFEST = "dataset.json";
    public static final String INTERACTIONS = "interactions.tsv";
    public static final String ITEMS = "items.jsonl";
    public static final String USERS = "users.jsonl";
    static final String HEADER = "user_id\titem_id\trating\ttimestamp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TandemDatasetFormat() {
    }

    /** Writes the data set into dir (created when missing; existing files are replaced). */
    public static void write(Dataset d, Path dir) throws IOException {
        checkIds("user", d.users().rawIds());
        checkIds("item", d.items().rawIds());
        InteractionTable t = d.interactions();
        for (int r = 0; r < t.size(); r++) {
            if (!Float.isFinite(t.value(r))) {
                throw new DataFormatException("interaction " + r + " has a non-finite value " + t.value(r));
            }
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(MANIFEST));
        AtomicFile.write(dir.resolve(INTERACTIONS), out -> writeInteractions(d, out));
        SideInfoFiles.writeItems(dir.resolve(ITEMS), d.items(), d.itemInfo());
        SideInfoFiles.writeUsers(dir.resolve(USERS), d.users(), d.userProfiles());
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("name", d.name());
        m.put("users", d.numUsers());
        m.put("items", d.numItems());
        m.put("interactions", t.size());
        AtomicFile.writeString(dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    private static void checkIds(String what, List<String> ids) {
        for (String id : ids) {
            if (id.isEmpty() || id.indexOf('\t') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
                throw new DataFormatException(what + " id '" + id + "' is empty or holds a tab or line break");
            }
        }
    }

    private static void writeInteractions(Dataset d, OutputStream out) throws IOException {
        byte[][] users = encode(d.users());
        byte[][] items = encode(d.items());
        out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        InteractionTable t = d.interactions();
        StringBuilder sb = new StringBuilder(32);
        for (int r = 0; r < t.size(); r++) {
            out.write(users[t.user(r)]);
            out.write('\t');
            out.write(items[t.item(r)]);
            sb.setLength(0);
            sb.append('\t');
            float v = t.value(r);
            if (v == Math.rint(v) && Math.abs(v) < 1e9f) {
                sb.append((long) v);
            } else {
                sb.append(v);
            }
            sb.append('\t').append(t.timestamp(r)).append('\n');
            for (int k = 0; k < sb.length(); k++) {
                out.write(sb.charAt(k));
            }
        }
    }

    private static byte[][] encode(IdMap ids) {
        byte[][] b = new byte[ids.size()][];
        for (int i = 0; i < b.length; i++) {
            b[i] = ids.raw(i).getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    static LoadResult load(Path dir, LoadOptions options) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new DataFormatException(dir, "no " + MANIFEST + " (not a complete Tandem dataset directory)");
        }
        JsonNode m;
        try {
            m = JSON.readTree(manifest.toFile());
        } catch (JsonProcessingException e) {
            throw new DataFormatException(manifest, e.getLocation() == null ? 1 : e.getLocation().getLineNr(), "(json)", e.getOriginalMessage());
        }
        if (m == null || !m.isObject()) {
            throw new DataFormatException(manifest, 1, "(json)", "expected an object");
        }
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new DataFormatException(manifest, 1, "format", "expected '" + FORMAT + "', got '" + m.path("format").asText() + "'");
        }
        if (!m.path("version").isInt() || m.path("version").asInt() != VERSION) {
            throw new DataFormatException(manifest, 1, "version", "this Tandem reads version " + VERSION + ", got " + m.path("version"));
        }
        Path itemsFile = dir.resolve(ITEMS);
        if (!Files.isRegularFile(itemsFile)) {
            throw new DataFormatException(dir, "no " + ITEMS);
        }
        SideInfoFiles.Items items = SideInfoFiles.readItems(itemsFile);
        Path usersFile = dir.resolve(USERS);
        SideInfoFiles.Users users = Files.isRegularFile(usersFile) ? SideInfoFiles.readUsers(usersFile) : null;

        Path tsv = dir.resolve(INTERACTIONS);
        BadLines bad = new BadLines(options.skipBadLines());
        InteractionCollector c = new InteractionCollector(InteractionCollector.expectedRows(tsv, 24),
                StandardCharsets.UTF_8);
        items.ids().rawIds().forEach(c.items::intern);
        if (users != null) {
            users.ids().rawIds().forEach(c.users::intern);
        }
        try (DelimitedReader r = new DelimitedReader(tsv, "\t", false).withProgress(INTERACTIONS)) {
            if (!r.next() || r.fieldCount() != 4 || !r.fieldEquals(0, "user_id") || !r.fieldEquals(1, "item_id")
                    || !r.fieldEquals(2, "rating") || !r.fieldEquals(3, "timestamp")) {
                throw new DataFormatException(tsv, 1, "(header)", "expected '" + HEADER.replace("\t", "\\t") + "'");
            }
            r.forEachRecord(bad, () -> {
                if (r.fieldCount() != 4) {
                    throw r.problem("(record)", "expected 4 tab-separated fields, got " + r.fieldCount());
                }
                float v = InteractionCollector.rating(r, 2);
                long ts = r.integer(3, "timestamp");
                int item = r.indexOf(1, c.items);
                if (item < 0) { // an id of bytes that are not UTF-8 is refused as such, not shown with U+FFFD
                    throw r.problem("item_id", "item '" + r.utf8(1, "item_id") + "' is not in " + ITEMS);
                }
                int user;
                if (users != null) {
                    user = r.indexOf(0, c.users);
                    if (user < 0) {
                        throw r.problem("user_id", "user '" + r.utf8(0, "user_id") + "' is not in " + USERS);
                    }
                } else {
                    c.checkId(r, 0, "user_id");
                    user = r.intern(0, c.users, "user_id");
                }
                c.add(user, item, v, ts);
            });
        }
        InteractionCollector.Interactions in = c.finish(tsv, bad);
        IdMap userIds = users != null ? users.ids() : in.users();
        List<UserProfile> profiles = users != null ? users.profiles() : in.emptyProfiles();
        // The interners were seeded in file order, so their indexes are those of the side-info files.
        InteractionTable table = in.table();
        Dataset d = new Dataset(m.path("name").asText(dir.getFileName().toString()), table, userIds, items.ids(),
                items.info(), profiles);
        checkCount(manifest, m, "users", d.numUsers());
        checkCount(manifest, m, "items", d.numItems());
        if (bad.count() == 0) {
            checkCount(manifest, m, "interactions", table.size());
        }
        return bad.result(d, 0, 0);
    }

    private static void checkCount(Path manifest, JsonNode m, String key, long actual) {
        JsonNode n = m.get(key);
        if (n != null && n.asLong() != actual) {
            throw new DataFormatException(manifest, 1, key, "says " + n.asLong() + " but the files hold " + actual
                    + " (incomplete or edited directory?)");
        }
    }
}
