package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * MovieLens 100K directory: {@code u.data} (tab: user item rating timestamp), {@code u.item}
 * (pipe, Latin-1: id|title|release date|video release date|IMDb URL|19 genre flags in the order
 * of {@code u.genre}) and {@code u.user} (id|age|gender|occupation|zip). The genre flags become
 * {@link ItemInfo#categories()}; the user fields become profile fields.
 */
final class MovieLens100kLoader {
    /** The genres of MovieLens 100K in flag order, used when u.genre is absent. */
    static final List<String> STANDARD_GENRES = List.of("unknown", "Action", "Adventure", "Animation",
            "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical",
            "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western");
    private static final String LAYOUT = "MovieLens 100K";

    private MovieLens100kLoader() {
    }

    static LoadResult load(Path dir, LoadOptions options) throws IOException {
        Path data = MovieLensFiles.require(dir, "u.data", LAYOUT);
        BadLines bad = new BadLines(options.skipBadLines());
        InteractionCollector.Interactions in =
                MovieLensFiles.readRatings(data, "\t", 18, "user item rating timestamp", bad);
        List<ItemInfo> info = in.emptyItemInfo();
        long dropped = 0;
        Path itemFile = dir.resolve("u.item");
        if (Files.isRegularFile(itemFile)) {
            dropped = readItems(itemFile, genres(dir.resolve("u.genre"), bad), in.items(), info, bad);
        }
        List<UserProfile> profiles = in.emptyProfiles();
        long droppedUsers = 0;
        Path userFile = dir.resolve("u.user");
        if (Files.isRegularFile(userFile)) {
            droppedUsers = readUsers(userFile, in.users(), profiles, bad);
        }
        return bad.result(in.toDataset("ml-100k", info, profiles), dropped, droppedUsers);
    }

    private static List<String> genres(Path file, BadLines bad) throws IOException {
        if (!Files.isRegularFile(file)) {
            return STANDARD_GENRES;
        }
        Map<Integer, String> byIndex = new LinkedHashMap<>();
        try (DelimitedReader r = new DelimitedReader(file, "|", false)) {
            r.forEachRecord(bad, () -> {
                MovieLensFiles.requireFields(r, 2, "name|index");
                long idx = r.integer(1, "index");
                if (idx < 0 || idx > 1000 || byIndex.containsKey((int) idx)) {
                    throw r.problem("index", "genre index " + idx + " is out of range or repeated");
                }
                byIndex.put((int) idx, r.textUtf8OrLatin1(0));
            });
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < byIndex.size(); i++) {
            String n = byIndex.get(i);
            if (n == null) {
                throw new DataFormatException(file, 0, "index", "genre indexes are not 0.." + (byIndex.size() - 1));
            }
            names.add(n);
        }
        return names.isEmpty() ? STANDARD_GENRES : names;
    }

    private static long readItems(Path file, List<String> genres, IdMap items, List<ItemInfo> info, BadLines bad)
            throws IOException {
        int expected = 5 + genres.size();
        long[] dropped = {0};
        SideRowLines lines = new SideRowLines(items);
        try (DelimitedReader r = new DelimitedReader(file, "|", false)) {
            r.forEachRecord(bad, () -> {
                MovieLensFiles.requireFields(r, expected, "id|title|release|video release|URL|" + genres.size() + " genre flags");
                List<String> cats = new ArrayList<>();
                for (int g = 0; g < genres.size(); g++) {
                    if (r.fieldEquals(5 + g, "1")) {
                        cats.add(genres.get(g));
                    } else if (!r.fieldEquals(5 + g, "0")) {
                        throw r.problem("genre " + genres.get(g), "flag must be 0 or 1, got '"
                                + r.text(5 + g, StandardCharsets.ISO_8859_1) + "'");
                    }
                }
                int idx = MovieLensFiles.sideIndex(r, items, lines, "item");
                if (idx < 0) {
                    dropped[0]++;
                    return;
                }
                info.set(idx, new ItemInfo(r.textUtf8OrLatin1(1), cats, ""));
            });
        }
        return dropped[0];
    }

    private static long readUsers(Path file, IdMap users, List<UserProfile> profiles, BadLines bad) throws IOException {
        long[] dropped = {0};
        SideRowLines lines = new SideRowLines(users);
        try (DelimitedReader r = new DelimitedReader(file, "|", false)) {
            r.forEachRecord(bad, () -> {
                MovieLensFiles.requireFields(r, 5, "id|age|gender|occupation|zip");
                r.integer(1, "age");
                int u = MovieLensFiles.sideIndex(r, users, lines, "user");
                if (u < 0) {
                    dropped[0]++;
                    return;
                }
                Map<String, String> f = new LinkedHashMap<>();
                f.put("age", r.text(1, StandardCharsets.ISO_8859_1));
                f.put("gender", r.text(2, StandardCharsets.ISO_8859_1));
                f.put("occupation", r.textUtf8OrLatin1(3));
                f.put("zip", r.text(4, StandardCharsets.ISO_8859_1));
                profiles.set(u, new UserProfile(f));
            });
        }
        return dropped[0];
    }
}
