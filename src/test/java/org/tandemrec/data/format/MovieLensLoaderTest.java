package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

class MovieLensLoaderTest {
    @TempDir
    Path dir;

    private static String flags(int... on) {
        int[] f = new int[19];
        for (int g : on) {
            f[g] = 1;
        }
        StringBuilder sb = new StringBuilder();
        for (int v : f) {
            sb.append('|').append(v);
        }
        return sb.toString();
    }

    private Path ml100k(String data) throws IOException {
        Path d = Files.createDirectories(dir.resolve("ml-100k"));
        Files.writeString(d.resolve("u.data"), data);
        // u.item is Latin-1: é is the single byte 0xE9.
        Files.write(d.resolve("u.item"), ("10|Les Misérables (1995)|01-Jan-1995||http://x" + flags(8, 12) + "\n"
                + "20|Toy Story (1995)|01-Jan-1995||http://y" + flags(3, 4, 5) + "\n"
                + "99|Never Rated (1990)|01-Jan-1990||" + flags(1) + "\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(d.resolve("u.user"), "1|24|M|technician|85711\n2|53|F|other|94043\n");
        return d;
    }

    @Test
    void ml100kInteractionsTitlesGenresAndProfiles() throws IOException {
        Path d = ml100k("1\t10\t5\t881250949\n2\t20\t3\t891717742\n1\t30\t4\t878887116\n");
        LoadResult res = DatasetFormat.ML_100K.loadWithReport(d, LoadOptions.defaults());
        Dataset ds = res.dataset();
        assertEquals(2, ds.numUsers());
        assertEquals(3, ds.numItems());
        assertEquals(3, ds.interactions().size());
        assertEquals(List.of("10", "20", "30"), ds.items().rawIds());
        InteractionTable t = ds.interactions();
        assertEquals(1, t.user(1));
        assertEquals(1, t.item(1));
        assertEquals(3f, t.value(1));
        assertEquals(891717742L, t.timestamp(1));
        assertEquals(new ItemInfo("Les Misérables (1995)", List.of("Drama", "Musical"), ""), ds.itemInfo().get(0));
        assertEquals(List.of("Animation", "Children's", "Comedy"), ds.itemInfo().get(1).categories());
        assertSame(ItemInfo.EMPTY, ds.itemInfo().get(2));
        assertEquals("53", ds.userProfiles().get(1).get("age"));
        assertEquals("technician", ds.userProfiles().get(0).get("occupation"));
        assertEquals(1, res.report().droppedMetadataItems());
        assertEquals(1, res.report().itemsWithoutInfo(), "item 30 has no u.item row");
        assertEquals(0, res.report().usersWithoutProfile());
    }

    @Test
    void usersWithoutRatingsAreDroppedAndCounted() throws IOException {
        LoadResult res = DatasetFormat.ML_100K.loadWithReport(ml100k("2\t10\t5\t881250949\n"), LoadOptions.defaults());
        assertEquals(1, res.report().droppedMetadataUsers());
        assertEquals("F", res.dataset().userProfiles().get(0).get("gender"));
    }

    @Test
    void genreNamesComeFromUGenreWhenPresent() throws IOException {
        Path d = ml100k("1\t10\t5\t881250949\n");
        StringBuilder g = new StringBuilder();
        for (int k = 0; k < 19; k++) {
            g.append("G").append(k).append('|').append(k).append('\n');
        }
        Files.writeString(d.resolve("u.genre"), g + "\n");
        Dataset ds = DatasetFormat.ML_100K.load(d, LoadOptions.defaults());
        assertEquals(List.of("G8", "G12"), ds.itemInfo().get(0).categories());
    }

    @Test
    void badRatingNamesFileLineAndFieldAndSkippingCountsIt() throws IOException {
        Path d = ml100k("1\t10\t5\t881250949\n2\t20\tfive\t891717742\n1\t30\t4\n2\t10\t4\t878887116\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.ML_100K.load(d, LoadOptions.defaults()));
        assertEquals(d.resolve("u.data"), e.file());
        assertEquals(2, e.line());
        assertEquals("rating", e.field());
        assertTrue(e.getMessage().contains("'five'"), e.getMessage());

        LoadResult res = DatasetFormat.ML_100K.loadWithReport(d, LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(2, res.report().skippedLines());
        assertEquals(2, res.report().interactions());
        assertEquals(2, res.dataset().interactions().size());
        // The bad lines' items (only item 30 is unique to them) never enter the index.
        assertEquals(List.of("10"), res.dataset().items().rawIds());
    }

    @Test
    void aRepeatedSideRowIsRefusedNamingTheLineOfTheFirst() throws IOException {
        Path d = ml100k("1\t10\t5\t881250949\n2\t20\t3\t891717742\n");
        Files.writeString(d.resolve("u.user"), "1|24|M|technician|85711\n2|53|F|other|94043\n1|24|M|technician|85711\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.ML_100K.load(d, LoadOptions.defaults()));
        assertEquals(d.resolve("u.user") + ":3: field 'id': duplicate id '1' (first on line 1)", e.getMessage());
        // The Latin-1 u.item keeps loading: its byte 0xE9 is é there, not a bad byte.
        Files.writeString(d.resolve("u.user"), "1|24|M|technician|85711\n");
        assertEquals("Les Mis\u00e9rables (1995)", DatasetFormat.ML_100K.load(d, LoadOptions.defaults()).itemInfo().get(0).title());
    }

    @Test
    void nothingLoadedIsAnErrorThatSaysWhy() throws IOException {
        Path d = ml100k("1\t10\tx\t881250949\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.ML_100K.load(d, LoadOptions.defaults().withSkipBadLines(true)));
        assertTrue(e.getMessage().contains("no interactions loaded") && e.getMessage().contains("1 records were malformed"),
                e.getMessage());
    }

    @Test
    void ml1mWithLatin1MoviesGzipRatingsAndCodedProfiles() throws IOException {
        Path d = Files.createDirectories(dir.resolve("ml-1m"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(d.resolve("ratings.dat")))) {
            out.write("1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.write(d.resolve("movies.dat"), ("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n"
                + "661::Cité des enfants perdus, La (1995)::Adventure|Sci-Fi\n"
                + "5::Unrated (1995)::Comedy\n").getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(d.resolve("users.dat"), "1::F::1::10::48067\n2::M::56::16::70072\n");
        LoadResult res = DatasetFormat.ML_1M.loadWithReport(d, LoadOptions.defaults());
        Dataset ds = res.dataset();
        assertEquals("ml-1m", ds.name());
        assertEquals(2, ds.numUsers());
        assertEquals(2, ds.numItems());
        assertEquals(3, ds.interactions().size());
        assertEquals("Cité des enfants perdus, La (1995)", ds.itemInfo().get(1).title());
        assertEquals(List.of("Adventure", "Sci-Fi"), ds.itemInfo().get(1).categories());
        assertEquals("Under 18", ds.userProfiles().get(0).get("age"));
        assertEquals("K-12 student", ds.userProfiles().get(0).get("occupation"));
        assertEquals("self-employed", ds.userProfiles().get(1).get("occupation"));
        assertEquals("F", ds.userProfiles().get(0).get("gender"));
        assertEquals(1, res.report().droppedMetadataItems());
    }

    @Test
    void ml10mLayoutHalfStarsUtf8TitlesAndNoUsersFile() throws IOException {
        Path d = Files.createDirectories(dir.resolve("ml-10M100K"));
        Files.writeString(d.resolve("ratings.dat"), "1::122::3.5::838985046\n7::122::0.5::838983392\n");
        Files.writeString(d.resolve("movies.dat"), "122::Boomerang (1992)::(no genres listed)\n", StandardCharsets.UTF_8);
        Dataset ds = DatasetFormat.ML_1M.load(d, LoadOptions.defaults());
        assertEquals(3.5f, ds.interactions().value(0));
        assertEquals(0.5f, ds.interactions().value(1));
        assertEquals(List.of(), ds.itemInfo().get(0).categories());
        assertEquals(UserProfile.EMPTY, ds.userProfiles().get(1));
    }

    @Test
    void wrongLayoutIsNamed() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.ML_1M.load(dir, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("no ratings.dat"), e.getMessage());
    }
}
