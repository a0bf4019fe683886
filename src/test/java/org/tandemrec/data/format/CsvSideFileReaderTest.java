package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

class CsvSideFileReaderTest {
    @TempDir
    Path dir;

    private Path ratings() throws IOException {
        return Files.writeString(dir.resolve("ratings.csv"),
                "user_id,item_id,rating,timestamp\nu1,m1,4,10\nu2,m2,3,11\nu1,m3,5,12\nu3,m1,2,13\n");
    }

    private LoadOptions withSide(CsvSideFiles side) {
        return LoadOptions.defaults().withCsvSideFiles(side);
    }

    @Test
    void itemAndUserSideFilesFillTitlesCategoriesAndProfiles() throws IOException {
        Path items = Files.writeString(dir.resolve("movies.csv"), "movie,year,title,categories,description\n"
                + "m2,1995,\"Heat, the remake\",Action|Crime | Thriller,\"A \"\"cop\"\" story\"\n"
                + "m1,1995,Toy Story,Animation|Children's|Animation,\n"
                + "m9,2001,Nobody Watched,Drama,\n"
                + "\n");
        Path users = Files.writeString(dir.resolve("users.csv"), "user_id,age,gender,zip\nu2,25,F,\nu1,35,M,10001\nu7,40,F,1\n");
        LoadResult res = DatasetFormat.CSV.loadWithReport(ratings(),
                withSide(CsvSideFiles.NONE.withItems(items, "movie").withUsers(users, "user_id")));
        Dataset d = res.dataset();
        assertEquals(new ItemInfo("Toy Story", List.of("Animation", "Children's"), ""), d.itemInfo().get(0));
        assertEquals(new ItemInfo("Heat, the remake", List.of("Action", "Crime", "Thriller"), "A \"cop\" story"),
                d.itemInfo().get(1));
        assertEquals(ItemInfo.EMPTY, d.itemInfo().get(2), "m3 has no side row");
        assertEquals(Map.of("age", "35", "gender", "M", "zip", "10001"), d.userProfiles().get(0).fields());
        assertEquals(Map.of("age", "25", "gender", "F"), d.userProfiles().get(1).fields(), "empty values left out");
        assertEquals(UserProfile.EMPTY, d.userProfiles().get(2));
        LoadReport r = res.report();
        assertEquals(1, r.droppedMetadataItems(), "m9 has no interactions");
        assertEquals(1, r.droppedMetadataUsers(), "u7 has no interactions");
        assertEquals(1, r.itemsWithoutInfo());
        assertEquals(1, r.usersWithoutProfile());
    }

    @Test
    void sideFilesUseTheInteractionsDelimiter() throws IOException {
        Path tsv = Files.writeString(dir.resolve("r.tsv"), "user_id\titem_id\nu1\tm1\n");
        Path items = Files.writeString(dir.resolve("items.tsv"), "item_id\ttitle\nm1\tA, B and C\n");
        CsvColumns cols = new CsvColumns("\t", true, CsvColumns.Column.of("user_id"), CsvColumns.Column.of("item_id"),
                null, null);
        Dataset d = DatasetFormat.CSV.load(tsv, withSide(CsvSideFiles.NONE.withItems(items, "item_id")).withCsv(cols));
        assertEquals("A, B and C", d.itemInfo().get(0).title());
    }

    @Test
    void headerProblemsNameTheFile() throws IOException {
        Path r = ratings();
        Path items = Files.writeString(dir.resolve("items.csv"), "id,title\nm1,x\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r,
                withSide(CsvSideFiles.NONE.withItems(items, "item_id"))));
        assertEquals(items + ": no item id column 'item_id' in the header [id, title]", e.getMessage());
        Files.writeString(items, "item_id,name,genres\nm1,x,y\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r,
                withSide(CsvSideFiles.NONE.withItems(items, "item_id"))));
        assertEquals(items + ": no title, categories or description column in the header [item_id, name, genres]",
                e.getMessage());
        Files.writeString(items, "item_id,title,title\nm1,x,y\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r,
                withSide(CsvSideFiles.NONE.withItems(items, "item_id"))));
        assertTrue(e.getMessage().endsWith("column 'title' appears twice in the header [item_id, title, title]"), e.getMessage());
        Files.writeString(items, "");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r,
                withSide(CsvSideFiles.NONE.withItems(items, "item_id"))));
        assertEquals(items + ": empty file, expected a header line", e.getMessage());
        Path users = Files.writeString(dir.resolve("users.csv"), "user_id\nu1\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r,
                withSide(CsvSideFiles.NONE.withUsers(users, "user_id"))));
        assertEquals(users + ": no profile column besides 'user_id' in the header [user_id]", e.getMessage());
        Path missing = dir.resolve("nope.csv");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r,
                withSide(CsvSideFiles.NONE.withUsers(missing, "user_id"))));
        assertEquals(missing + ": no such users side file", e.getMessage());
    }

    @Test
    void badRowsNameLineAndFieldOrAreSkippedAndCounted() throws IOException {
        Path r = ratings();
        Path items = Files.writeString(dir.resolve("items.csv"),
                "item_id,title\nm1,One\n,Nameless\nm2,Two,extra\nm1,One again\nm3,Three\n");
        LoadOptions strict = withSide(CsvSideFiles.NONE.withItems(items, "item_id"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r, strict));
        assertEquals(items + ":3: field 'item_id': empty id", e.getMessage());
        LoadResult res = DatasetFormat.CSV.loadWithReport(r, strict.withSkipBadLines(true));
        assertEquals(3, res.report().skippedLines());
        assertTrue(res.report().firstSkipped().get(1).endsWith(":4: field '(record)': expected at most 2 fields as in "
                + "the header, got 3"), res.report().firstSkipped().get(1));
        assertTrue(res.report().firstSkipped().get(2).endsWith(":5: field 'item_id': duplicate id 'm1' (first on line 2)"),
                res.report().firstSkipped().get(2));
        assertEquals(List.of("One", "", "Three"), res.dataset().itemInfo().stream().map(ItemInfo::title).toList());
    }

    @Test
    void aRepeatedRowIsRefusedEvenWhenExactNamingBothLines() throws IOException {
        Path r = ratings();
        Path users = Files.writeString(dir.resolve("users.csv"), "user_id,age\nu1,30\nu2,40\nu1,30\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.CSV.load(r, withSide(CsvSideFiles.NONE.withUsers(users, "user_id"))));
        assertEquals(users + ":4: field 'user_id': duplicate id 'u1' (first on line 2)", e.getMessage());
        // A quoted field with a line break: the first row's line is where its record starts.
        Path items = Files.writeString(dir.resolve("items.csv"), "item_id,title\n\"m1\",\"Two\nlines\"\nm2,B\nm1,C\n");
        e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.CSV.load(r, withSide(CsvSideFiles.NONE.withItems(items, "item_id"))));
        assertEquals(items + ":5: field 'item_id': duplicate id 'm1' (first on line 2)", e.getMessage());
    }

    @Test
    void textThatIsNotUtf8IsRefusedNamingLineAndColumn() throws IOException {
        Path r = ratings();
        Path items = dir.resolve("items.csv");
        // Latin-1 é in a title: the field's bytes are refused, not read as a replacement character.
        Files.write(items, bytes("item_id,title\nm1,Caf", 0xE9, "\nm2,Two\n"));
        LoadOptions withItems = withSide(CsvSideFiles.NONE.withItems(items, "item_id"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r, withItems));
        assertEquals(items + ":2: field 'title': not UTF-8 text (byte 0xE9 at offset 3 of the field; save the file as UTF-8)",
                e.getMessage());
        Files.write(items, bytes("item_id,title\nm", 0x80, ",One\nm2,Two\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r, withItems));
        assertEquals(2, e.line());
        assertEquals("item_id", e.field());
        Files.write(items, bytes("item_id,t", 0xFF, "tle\nm1,One\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(r, withItems));
        assertEquals(1, e.line());
        assertEquals("(header)", e.field());

        Path users = dir.resolve("users.csv");
        Files.write(users, bytes("user_id,city\nu1,K", 0xF6, "ln\n"));
        e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.CSV.load(r, withSide(CsvSideFiles.NONE.withUsers(users, "user_id"))));
        assertEquals(2, e.line());
        assertEquals("city", e.field());
        // Skipping the bad row leaves that user without a profile; the valid UTF-8 rows still load.
        Files.write(users, bytes("user_id,city\nu1,K", 0xF6, "ln\nu2,K\u00f6ln\n"));
        LoadResult res = DatasetFormat.CSV.loadWithReport(r,
                withSide(CsvSideFiles.NONE.withUsers(users, "user_id")).withSkipBadLines(true));
        assertEquals(1, res.report().skippedLines());
        assertEquals(Map.of(), res.dataset().userProfiles().get(0).fields());
        assertEquals(Map.of("city", "K\u00f6ln"), res.dataset().userProfiles().get(1).fields());
    }

    /** Text with raw bytes between its parts: strings are UTF-8, integers single bytes. */
    static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Test
    void sideFilesValidateThemselves() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvSideFiles.NONE.withItems(Path.of("a.csv"), " "));
        assertEquals("itemIdColumn must be a non-empty column name, got ' '", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CsvSideFiles.NONE.withItems(Path.of("a.csv"), "id").withUsers(Path.of("a.csv"), "id"));
        assertEquals("items and users side files must be different files, both are a.csv", e.getMessage());
        assertThrows(NullPointerException.class, () -> LoadOptions.defaults().withCsvSideFiles(null));
    }
}
