package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * MovieLens 1M and 10M directory: {@code ratings.dat} ({@code user::item::rating::timestamp}),
 * {@code movies.dat} ({@code id::title::Genre1|Genre2}, Latin-1 in 1M) and {@code users.dat}
 * ({@code id::gender::age::occupation::zip}; absent in 10M, whose users then have empty
 * profiles). The 1M age and occupation codes are spelled out as in the data set's README.
 */
final class MovieLensDatLoader {
    private static final Logger LOG = LoggerFactory.getLogger(MovieLensDatLoader.class);
    private static final String LAYOUT = "MovieLens 1M/10M";
    private static final Map<String, String> AGES = Map.of("1", "Under 18", "18", "18-24", "25", "25-34",
            "35", "35-44", "45", "45-49", "50", "50-55", "56", "56+");
    private static final List<String> OCCUPATIONS = List.of("other or not specified", "academic/educator", "artist",
            "clerical/admin", "college/grad student", "customer service", "doctor/health care",
            "executive/managerial", "farmer", "homemaker", "K-12 student", "lawyer", "programmer", "retired",
            "sales/marketing", "scientist", "self-employed", "technician/engineer", "tradesman/craftsman",
            "unemployed", "writer");

    private MovieLensDatLoader() {
    }

    static LoadResult load(Path dir, LoadOptions options) throws IOException {
        Path ratings = MovieLensFiles.require(dir, "ratings.dat", LAYOUT);
        BadLines bad = new BadLines(options.skipBadLines());
        InteractionCollector.Interactions in =
                MovieLensFiles.readRatings(ratings, "::", 20, "user::item::rating::timestamp", bad);
        List<ItemInfo> info = in.emptyItemInfo();
        long dropped = 0;
        Path movies = dir.resolve("movies.dat");
        if (Files.isRegularFile(movies)) {
            dropped = readMovies(movies, in.items(), info, bad);
        } else {
            LOG.warn("{}: no movies.dat, items have no titles or genres", dir);
        }
        List<UserProfile> profiles = in.emptyProfiles();
        long droppedUsers = 0;
        Path users = dir.resolve("users.dat");
        if (Files.isRegularFile(users)) {
            droppedUsers = readUsers(users, in.users(), profiles, bad);
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        return bad.result(in.toDataset(name, info, profiles), dropped, droppedUsers);
    }

    private static long readMovies(Path file, IdMap items, List<ItemInfo> info, BadLines bad) throws IOException {
        long[] dropped = {0};
        SideRowLines lines = new SideRowLines(items);
        try (DelimitedReader r = new DelimitedReader(file, "::", false)) {
            r.forEachRecord(bad, () -> {
                MovieLensFiles.requireFields(r, 3, "id::title::genres");
                int idx = MovieLensFiles.sideIndex(r, items, lines, "movie");
                if (idx < 0) {
                    dropped[0]++;
                    return;
                }
                List<String> genres = new ArrayList<>();
                String g = r.textUtf8OrLatin1(2);
                if (!g.isEmpty() && !g.equals("(no genres listed)")) {
                    for (String s : g.split("\\|")) {
                        if (!s.isBlank()) {
                            genres.add(s.trim());
                        }
                    }
                }
                info.set(idx, new ItemInfo(r.textUtf8OrLatin1(1), genres, ""));
            });
        }
        return dropped[0];
    }

    private static long readUsers(Path file, IdMap users, List<UserProfile> profiles, BadLines bad) throws IOException {
        long[] dropped = {0};
        SideRowLines lines = new SideRowLines(users);
        try (DelimitedReader r = new DelimitedReader(file, "::", false)) {
            r.forEachRecord(bad, () -> {
                MovieLensFiles.requireFields(r, 5, "id::gender::age::occupation::zip");
                int u = MovieLensFiles.sideIndex(r, users, lines, "user");
                if (u < 0) {
                    dropped[0]++;
                    return;
                }
                String age = r.text(2, StandardCharsets.ISO_8859_1);
                String occ = r.text(3, StandardCharsets.ISO_8859_1);
                long occCode = r.integer(3, "occupation");
                Map<String, String> f = new LinkedHashMap<>();
                f.put("gender", r.text(1, StandardCharsets.ISO_8859_1));
                f.put("age", AGES.getOrDefault(age, age));
                f.put("occupation", occCode >= 0 && occCode < OCCUPATIONS.size() ? OCCUPATIONS.get((int) occCode) : occ);
                f.put("zip", r.text(4, StandardCharsets.ISO_8859_1));
                profiles.set(u, new UserProfile(f));
            });
        }
        return dropped[0];
    }
}
