package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * Gathers the interactions of one load: raw ids are interned as bytes and rows appended to
 * primitive columns. A record is parsed completely before any of its ids is interned, so a bad
 * line never leaves a user or item without interactions behind.
 */
final class InteractionCollector {
    final RawIdInterner users = new RawIdInterner();
    final RawIdInterner items = new RawIdInterner();
    private final InteractionTable.Builder table;
    private final Charset idCharset;

    /**
     * @param idCharset how the file spells its ids: UTF-8 ids are checked as they are read, so a
     *     byte that is not UTF-8 is refused on its line instead of turning into a replacement
     *     character when the id map is made; Latin-1 (MovieLens) takes every byte
     */
    InteractionCollector(int expectedSize, Charset idCharset) {
        table = new InteractionTable.Builder(expectedSize);
        this.idCharset = idCharset;
    }

    /** A capacity guess from the file size, so that columns rarely grow while loading. */
    static int expectedRows(Path file, int bytesPerRow) {
        try {
            long n = Files.size(file) / bytesPerRow;
            return (int) Math.min(Math.max(n, 1024), 1 << 28);
        } catch (IOException e) {
            return 1024;
        }
    }

    int size() {
        return table.size();
    }

    void add(int user, int item, float value, long timestamp) {
        table.add(user, item, value, timestamp);
    }

    /**
     * Adds the current record of the reader.
     *
     * @param ratingField the rating's field, or -1 for implicit data (value 1)
     * @param timeField the timestamp's field, or -1 to use the row number
     */
    void add(DelimitedReader r, int userField, int itemField, int ratingField, int timeField) {
        float v = ratingField < 0 ? 1f : rating(r, ratingField);
        long t = timeField < 0 ? table.size() : r.integer(timeField, "timestamp");
        add(r, userField, "user", itemField, "item", v, t);
    }

    /**
     * Adds the record's user and item (fields named {@code userName} and {@code itemName} in
     * messages) with the given value and time; both ids are checked before either is interned.
     */
    void add(DelimitedReader r, int userField, String userName, int itemField, String itemName, float value,
            long time) {
        checkId(r, userField, userName);
        checkId(r, itemField, itemName);
        table.add(r.intern(userField, users, userName), r.intern(itemField, items, itemName), value, time);
    }

    /** Refuses field f as an id unless it is non-empty and, for UTF-8 ids, UTF-8. */
    void checkId(DelimitedReader r, int f, String field) {
        if (r.isEmpty(f)) {
            throw r.problem(field, "empty id");
        }
        if (idCharset.equals(StandardCharsets.UTF_8)) {
            r.requireUtf8(f, field);
        }
    }

    static float rating(DelimitedReader r, int field) {
        double d = r.decimal(field, "rating");
        float v = (float) d;
        if (!Float.isFinite(v)) {
            throw r.problem("rating", "out of float range: " + d);
        }
        return v;
    }

    /** The id maps and table; an empty result is an error naming the source. */
    Interactions finish(Path source, BadLines bad) {
        if (table.size() == 0) {
            throw new DataFormatException(source, "no interactions loaded"
                    + (bad.count() > 0 ? " (all " + bad.count() + " records were malformed and skipped)" : " (no data lines)"));
        }
        IdMap u = users.toIdMap(idCharset);
        IdMap i = items.toIdMap(idCharset);
        return new Interactions(u, i, table.build(u.size(), i.size()));
    }

    /** The interactions of a load with their id maps, before side information is attached. */
    record Interactions(IdMap users, IdMap items, InteractionTable table) {
        /** Side-info lists of the right sizes, every entry EMPTY until a metadata file fills it. */
        List<ItemInfo> emptyItemInfo() {
            ItemInfo[] a = new ItemInfo[items.size()];
            Arrays.fill(a, ItemInfo.EMPTY);
            return new ArrayList<>(Arrays.asList(a));
        }

        List<UserProfile> emptyProfiles() {
            UserProfile[] a = new UserProfile[users.size()];
            Arrays.fill(a, UserProfile.EMPTY);
            return new ArrayList<>(Arrays.asList(a));
        }

        Dataset toDataset(String name, List<ItemInfo> itemInfo, List<UserProfile> profiles) {
            return new Dataset(name, table, users, items, itemInfo, profiles);
        }
    }
}
