package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.data.format.RecBoleHeader.Type;

/**
 * RecBole's atomic files, as RecBole users keep them: {@code NAME.inter} with optional
 * {@code NAME.item} and {@code NAME.user} beside it, UTF-8 (ids, headers and the text Tandem
 * reads are refused on their line when not), tab-separated, no quoting, and a first line of
 * typed field names ({@code user_id:token}; types {@code token}, {@code token_seq},
 * {@code float}, {@code float_seq}; sequences are space-separated). The path is the directory
 * (holding {@code DIRNAME.inter}, or a single {@code .inter} file) or the {@code .inter} file.
 *
 * <p>Interactions: {@code user_id:token} and {@code item_id:token} (RecBole's default
 * {@code USER_ID_FIELD} and {@code ITEM_ID_FIELD}), optional {@code rating:float} (without it every
 * interaction is implicit, value 1) and {@code timestamp:float} (seconds, truncated to whole
 * seconds; without it the row order is the time); other fields are ignored, though numbers in
 * {@code float} and {@code float_seq} fields of every file are checked.
 *
 * <p>Items ({@code item_id:token}): the title from the first of {@link #TITLE_FIELDS} present
 * (RecBole's MovieLens files have {@code movie_title:token_seq}, its Amazon files {@code title:token}),
 * categories from every field of {@link #CATEGORY_FIELDS} present (a {@code token_seq} gives one
 * category per token, as RecBole reads it; MovieLens files have {@code class:token_seq}) and the
 * description from {@code description}. Users ({@code user_id:token}): every {@code token} and
 * {@code token_seq} field becomes a profile field of the same name ({@code age}, {@code gender},
 * {@code occupation}, {@code zip_code}); numeric fields are left out, since profile fields are
 * categories that feature-based models embed one value at a time.
 */
final class RecBoleLoader {
    static final List<String> TITLE_FIELDS = List.of("title", "movie_title", "item_name", "name");
    static final List<String> CATEGORY_FIELDS = List.of("categories", "category", "genre", "genres", "class");
    private static final String DESCRIPTION_FIELD = "description";
    private static final String DELIMITER = "\t";

    private RecBoleLoader() {
    }

    static LoadResult load(Path path, LoadOptions options) throws IOException {
        Path inter = interFile(path);
        String fileName = inter.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".inter".length());
        BadLines bad = new BadLines(options.skipBadLines());
        InteractionCollector.Interactions in = readInteractions(inter, bad);
        List<ItemInfo> info = in.emptyItemInfo();
        long droppedItems = 0;
        Path itemFile = sideFile(inter, name, ".item");
        if (Files.isRegularFile(itemFile)) {
            droppedItems = readItems(itemFile, in.items(), info, bad);
        }
        List<UserProfile> profiles = in.emptyProfiles();
        long droppedUsers = 0;
        Path userFile = sideFile(inter, name, ".user");
        if (Files.isRegularFile(userFile)) {
            droppedUsers = readUsers(userFile, in.users(), profiles, bad);
        }
        return bad.result(in.toDataset(name, info, profiles), droppedItems, droppedUsers);
    }

    /**
     * The side file beside the interactions: {@code NAME.item}, or for RecBole's pre-split
     * benchmark files ({@code NAME.train.inter}) the data set's {@code NAME.item}.
     */
    private static Path sideFile(Path inter, String name, String suffix) {
        Path own = inter.resolveSibling(name + suffix);
        int dot = name.indexOf('.');
        return Files.isRegularFile(own) || dot <= 0 ? own : inter.resolveSibling(name.substring(0, dot) + suffix);
    }

    /** The {@code .inter} file the path names, or the one its directory holds. */
    static Path interFile(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            if (!path.getFileName().toString().endsWith(".inter")) {
                throw new DataFormatException(path, "expected a RecBole .inter file or the directory holding it");
            }
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new DataFormatException(path, "no such RecBole .inter file or directory");
        }
        Path own = path.resolve(path.toAbsolutePath().normalize().getFileName() + ".inter");
        if (Files.isRegularFile(own)) {
            return own;
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(path, "*.inter")) {
            ds.forEach(found::add);
        }
        if (found.size() != 1) {
            throw new DataFormatException(path, "expected one RecBole .inter file (NAME.inter), found "
                    + (found.isEmpty() ? "none" : found.stream().map(p -> p.getFileName().toString()).sorted().toList()));
        }
        return found.get(0);
    }

    private static InteractionCollector.Interactions readInteractions(Path file, BadLines bad) throws IOException {
        InteractionCollector c = new InteractionCollector(InteractionCollector.expectedRows(file, 25),
                StandardCharsets.UTF_8);
        try (DelimitedReader r = new DelimitedReader(file, DELIMITER, false).withProgress(file.getFileName().toString())) {
            RecBoleHeader h = RecBoleHeader.read(r);
            int user = h.require("user_id", Type.TOKEN);
            int item = h.require("item_id", Type.TOKEN);
            int rating = h.optional("rating", Type.FLOAT);
            int time = h.optional("timestamp", Type.FLOAT);
            int needed = Math.max(Math.max(user, item), Math.max(rating, time)) + 1;
            r.forEachRecord(bad, () -> {
                if (r.fieldCount() > h.size() || r.fieldCount() < needed) {
                    throw r.problem("(record)", "expected " + h.size() + " tab-separated fields as in the header, got "
                            + r.fieldCount());
                }
                h.checkNumbers(r);
                float v = rating < 0 ? 1f : InteractionCollector.rating(r, rating);
                long t = time < 0 ? c.size() : r.integer(time, "timestamp");
                c.add(r, user, "user_id", item, "item_id", v, t);
            });
        }
        return c.finish(file, bad);
    }

    private static long readItems(Path file, IdMap items, List<ItemInfo> info, BadLines bad) throws IOException {
        try (DelimitedReader r = new DelimitedReader(file, DELIMITER, false)) {
            RecBoleHeader h = RecBoleHeader.read(r);
            int id = h.require("item_id", Type.TOKEN);
            int title = h.firstOf(TITLE_FIELDS, Type.TOKEN, Type.TOKEN_SEQ);
            List<Integer> categories = new ArrayList<>();
            for (String n : CATEGORY_FIELDS) {
                int c = h.firstOf(List.of(n), Type.TOKEN, Type.TOKEN_SEQ);
                if (c >= 0) {
                    categories.add(c);
                }
            }
            int description = h.firstOf(List.of(DESCRIPTION_FIELD), Type.TOKEN, Type.TOKEN_SEQ);
            String titleName = title < 0 ? "title" : h.name(title);
            return SideRows.read(r, bad, h.size(), id, "item_id", items, info, rec -> {
                h.checkNumbers(rec);
                Set<String> cats = new LinkedHashSet<>();
                for (int c : categories) {
                    String v = SideRows.text(rec, c, h.name(c));
                    if (h.type(c) == Type.TOKEN_SEQ) {
                        for (String token : v.split(" ")) {
                            if (!token.isEmpty()) {
                                cats.add(token);
                            }
                        }
                    } else if (!v.isEmpty()) {
                        cats.add(v);
                    }
                }
                return new ItemInfo(SideRows.text(rec, title, titleName), new ArrayList<>(cats),
                        SideRows.text(rec, description, DESCRIPTION_FIELD));
            });
        }
    }

    private static long readUsers(Path file, IdMap users, List<UserProfile> profiles, BadLines bad) throws IOException {
        try (DelimitedReader r = new DelimitedReader(file, DELIMITER, false)) {
            RecBoleHeader h = RecBoleHeader.read(r);
            int id = h.require("user_id", Type.TOKEN);
            List<Integer> fields = new ArrayList<>();
            for (int f = 0; f < h.size(); f++) {
                if (f != id && (h.type(f) == Type.TOKEN || h.type(f) == Type.TOKEN_SEQ)) {
                    fields.add(f);
                }
            }
            return SideRows.read(r, bad, h.size(), id, "user_id", users, profiles, rec -> {
                h.checkNumbers(rec);
                Map<String, String> p = new LinkedHashMap<>();
                for (int f : fields) {
                    String v = SideRows.text(rec, f, h.name(f));
                    if (!v.isEmpty()) {
                        p.put(h.name(f), v);
                    }
                }
                return new UserProfile(p);
            });
        }
    }
}
