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
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

class RecBoleLoaderTest {
    @TempDir
    Path tmp;

    /**
     * A directory in the layout of RecBole's own ml-100k atomic files (headers as its MovieLens
     * converter writes them; the values are made up): 5 users, item 999 without an item row,
     * item 1 and user 7 with side rows but no interactions.
     */
    private Path ml100kLike() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ml-100k"));
        Files.writeString(dir.resolve("ml-100k.inter"), """
                user_id:token\titem_id:token\trating:float\ttimestamp:float
                196\t242\t3\t881250949
                186\t302\t4\t891717742
                22\t377\t1\t878887116
                244\t51\t2\t880606923
                166\t346\t5\t886397596
                196\t302\t4.5\t881250950.75
                22\t999\t3\t878887117
                """);
        Files.writeString(dir.resolve("ml-100k.item"), """
                item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq
                242\tKolya\t1996\tComedy
                302\tL.A. Confidential\t1997\tCrime Film-Noir Mystery Thriller
                377\tHeavyweights\t1994\tChildren's Comedy
                51\tLegends of the Fall\t1994\tDrama Romance War Western
                346\tJackie Brown\t1997\tCrime Drama
                1\tToy Story\t1995\tAnimation Children's Comedy
                """);
        Files.writeString(dir.resolve("ml-100k.user"), """
                user_id:token\tage:token\tgender:token\toccupation:token\tzip_code:token
                196\t49\tM\twriter\t55105
                186\t39\tF\texecutive\t00000
                22\t25\tM\twriter\t40206
                244\t28\tM\ttechnician\t80525
                166\t47\tM\teducator\t55113
                7\t57\tM\tadministrator\t91344
                """);
        return dir;
    }

    @Test
    void directoryOfMovieLensAtomicFiles() throws IOException {
        LoadResult res = DatasetFormat.RECBOLE.loadWithReport(ml100kLike(), LoadOptions.defaults());
        Dataset d = res.dataset();
        assertEquals("ml-100k", d.name());
        assertEquals(List.of("196", "186", "22", "244", "166"), d.users().rawIds());
        assertEquals(List.of("242", "302", "377", "51", "346", "999"), d.items().rawIds());
        InteractionTable t = d.interactions();
        assertEquals(7, t.size());
        assertEquals(4.5f, t.value(5));
        assertEquals(881250950L, t.timestamp(5), "float seconds truncated");

        ItemInfo la = d.itemInfo().get(d.items().index("302"));
        assertEquals("L.A. Confidential", la.title());
        assertEquals(List.of("Crime", "Film-Noir", "Mystery", "Thriller"), la.categories());
        assertEquals(List.of("Children's", "Comedy"), d.itemInfo().get(d.items().index("377")).categories());
        assertEquals(ItemInfo.EMPTY, d.itemInfo().get(d.items().index("999")));
        assertEquals(Map.of("age", "39", "gender", "F", "occupation", "executive", "zip_code", "00000"),
                d.userProfiles().get(d.users().index("186")).fields());
        assertEquals(List.of("age", "gender", "occupation", "zip_code"),
                List.copyOf(d.userProfiles().get(0).fields().keySet()), "header order");

        LoadReport r = res.report();
        assertEquals(7, r.interactions());
        assertEquals(1, r.droppedMetadataItems(), "Toy Story has no interactions");
        assertEquals(1, r.droppedMetadataUsers(), "user 7 has no interactions");
        assertEquals(1, r.itemsWithoutInfo(), "item 999 has no item row");
        assertEquals(0, r.usersWithoutProfile());
    }

    @Test
    void interFileGivenDirectlyImplicitWithoutTimestamps() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("clicks"));
        Path inter = dir.resolve("Amazon_Beauty.inter");
        Files.writeString(inter, "item_id:token\tuser_id:token\tsession:float\nB01\tA9\t\nB02\tA9\t2\nB01\tA3\t1.5\n");
        Files.writeString(dir.resolve("Amazon_Beauty.item"), "item_id:token\ttitle:token\tcategories:token_seq\t"
                + "sales_rank:float\tprice:float\nB01\tRose Water Toner\tBeauty Skin\t12\t\nB02\tNo Name Soap\t\t\t3.5\n");
        Dataset d = DatasetFormat.RECBOLE.load(inter, LoadOptions.defaults());
        assertEquals("Amazon_Beauty", d.name());
        InteractionTable t = d.interactions();
        for (int r = 0; r < 3; r++) {
            assertEquals(1f, t.value(r), "implicit");
            assertEquals(r, t.timestamp(r), "row order");
        }
        assertEquals("Rose Water Toner", d.itemInfo().get(0).title(), "a token title keeps its spaces");
        assertEquals(List.of("Beauty", "Skin"), d.itemInfo().get(0).categories());
        assertEquals(List.of(), d.itemInfo().get(1).categories());
        assertEquals(List.of(UserProfile.EMPTY, UserProfile.EMPTY), d.userProfiles());
    }

    @Test
    void benchmarkFilesShareTheDataSetsItemAndUserFiles() throws IOException {
        Path dir = ml100kLike();
        Path train = Files.move(dir.resolve("ml-100k.inter"), dir.resolve("ml-100k.train.inter"));
        Dataset d = DatasetFormat.RECBOLE.load(train, LoadOptions.defaults());
        assertEquals("ml-100k.train", d.name());
        assertEquals("Kolya", d.itemInfo().get(0).title());
        assertEquals("writer", d.userProfiles().get(0).get("occupation"));
    }

    @Test
    void directoryWithAnotherNamedInterFileOrSeveral() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(dir.resolve("yelp.inter"), "user_id:token\titem_id:token\nu\ti\n");
        assertEquals("yelp", DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()).name());
        Files.writeString(dir.resolve("other.inter"), "user_id:token\titem_id:token\nu\ti\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertTrue(e.getMessage().endsWith("expected one RecBole .inter file (NAME.inter), found [other.inter, yelp.inter]"),
                e.getMessage());
        Path csv = Files.writeString(dir.resolve("x.csv"), "user_id,item_id\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(csv, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("expected a RecBole .inter file"), e.getMessage());
    }

    private DataFormatException interError(String content) throws IOException {
        Path f = Files.writeString(tmp.resolve("bad.inter"), content);
        return assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(f, LoadOptions.defaults()));
    }

    @Test
    void headerErrorsNameFileLineAndField() throws IOException {
        DataFormatException e = interError("user_id\titem_id:token\nu\ti\n");
        assertEquals(tmp.resolve("bad.inter") + ":1: field 'user_id': expected name:type, e.g. user_id:token",
                e.getMessage());
        e = interError("user_id:token\titem_id:token\trating:int\nu\ti\t1\n");
        assertEquals(tmp.resolve("bad.inter") + ":1: field 'rating': unknown type 'int', expected one of token, "
                + "token_seq, float, float_seq", e.getMessage());
        e = interError("uid:token\titem_id:token\nu\ti\n");
        assertEquals("user_id", e.field());
        assertEquals(1, e.line());
        assertTrue(e.getMessage().endsWith("missing: the header has uid:token item_id:token"), e.getMessage());
        e = interError("user_id:token\titem:token\nu\ti\n");
        assertEquals("item_id", e.field());
        e = interError("user_id:token\titem_id:token\trating:token\nu\ti\t5\n");
        assertEquals("rating", e.field());
        assertTrue(e.getMessage().endsWith("type token where float is expected"), e.getMessage());
        e = interError("user_id:token,item_id:token\nu,i\n");
        assertTrue(e.getMessage().contains("(atomic files are tab-separated)"), e.getMessage());
        e = interError("user_id:token\titem_id:token\t\nu\ti\n");
        assertEquals(tmp.resolve("bad.inter") + ":1: field '(header)': empty entry in column 3 (a stray tab?)",
                e.getMessage());
        e = interError("user_id:token\titem_id:token\tuser_id:token\nu\ti\tv\n");
        assertTrue(e.getMessage().endsWith("field 'user_id': appears twice in the header"), e.getMessage());
    }

    @Test
    void badValuesNameTheirLineAndFieldOrAreSkippedAndCounted() throws IOException {
        String content = "user_id:token\titem_id:token\trating:float\ttimestamp:float\tvec:float_seq\n"
                + "u1\ti1\t4\t100\t0.5 1\n"
                + "u1\ti2\tfour\t101\t\n"
                + "u2\ti2\t3\tsoon\t\n"
                + "u2\t\t3\t102\t\n"
                + "u2\ti3\t3\t103\t1 x\n"
                + "u2\ti3\t3\t103\t\textra\n"
                + "u3\ti1\t5\t104\n";
        DataFormatException e = interError(content);
        assertEquals(tmp.resolve("bad.inter") + ":3: field 'rating': expected a number, got 'four'", e.getMessage());
        LoadResult res = DatasetFormat.RECBOLE.loadWithReport(tmp.resolve("bad.inter"),
                LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(5, res.report().skippedLines());
        List<String> skipped = res.report().firstSkipped();
        assertTrue(skipped.get(1).contains(":4: field 'timestamp'"), skipped.get(1));
        assertTrue(skipped.get(2).contains(":5: field 'item_id': empty id"), skipped.get(2));
        assertTrue(skipped.get(3).contains(":6: field 'vec': expected space-separated numbers, got 'x'"), skipped.get(3));
        assertTrue(skipped.get(4).contains(":7: field '(record)'"), skipped.get(4));
        assertEquals(List.of("u1", "u3"), res.dataset().users().rawIds(), "no user left behind by a bad line");
        assertEquals(2, res.dataset().interactions().size());
    }

    @Test
    void badItemAndUserRows() throws IOException {
        Path dir = ml100kLike();
        Files.writeString(dir.resolve("ml-100k.item"), "item_id:token\tmovie_title:token_seq\tprice:float\n"
                + "242\tKolya\t9.99\n302\tL.A. Confidential\tcheap\n242\tKolya again\t1\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals(dir.resolve("ml-100k.item") + ":3: field 'price': expected a number, got 'cheap'", e.getMessage());
        LoadResult res = DatasetFormat.RECBOLE.loadWithReport(dir, LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(2, res.report().skippedLines());
        assertTrue(res.report().firstSkipped().get(1).endsWith(":4: field 'item_id': duplicate id '242' (first on line 2)"),
                res.report().firstSkipped().get(1));
        assertEquals("Kolya", res.dataset().itemInfo().get(0).title());

        Files.writeString(dir.resolve("ml-100k.item"), "item_id:token\tmovie_title:float\n242\t1\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals(dir.resolve("ml-100k.item") + ":1: field 'movie_title': type float where token or token_seq is expected",
                e.getMessage());
        Files.delete(dir.resolve("ml-100k.item"));
        Files.writeString(dir.resolve("ml-100k.user"), "id:token\tage:token\n196\t49\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals("user_id", e.field());
        assertEquals(dir.resolve("ml-100k.user"), e.file());
    }

    @Test
    void anExactlyRepeatedUserRowIsRefusedNamingBothLines() throws IOException {
        Path dir = ml100kLike();
        Path users = dir.resolve("ml-100k.user");
        Files.writeString(users, Files.readString(users) + "186\t39\tF\texecutive\t00000\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals(users + ":8: field 'user_id': duplicate id '186' (first on line 3)", e.getMessage());
    }

    @Test
    void idsAndTextThatAreNotUtf8AreRefusedNamingLineAndField() throws IOException {
        Path dir = ml100kLike();
        Path inter = dir.resolve("ml-100k.inter");
        // Line 3: a new user 500 and an item id with a stray byte; the user must not stay behind when skipped.
        Files.write(inter, CsvSideFileReaderTest.bytes("user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                + "196\t242\t3\t881250949\n500\t24", 0x80, "2\t4\t881250950\n186\t302\t4\t891717742\n"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals(inter + ":3: field 'item_id': not UTF-8 text (byte 0x80 at offset 2 of the field; save the file as UTF-8)",
                e.getMessage());
        LoadResult res = DatasetFormat.RECBOLE.loadWithReport(dir, LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(List.of("196", "186"), res.dataset().users().rawIds());

        Files.writeString(inter, "user_id:token\titem_id:token\n196\t242\n");
        Path items = dir.resolve("ml-100k.item");
        Files.write(items, CsvSideFileReaderTest.bytes("item_id:token\tmovie_title:token_seq\tclass:token_seq\n"
                + "242\tKolya\tCom", 0xE9, "die\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals(items, e.file());
        assertEquals(2, e.line());
        assertEquals("class", e.field());
        Files.write(items, CsvSideFileReaderTest.bytes("item_id:token\tmovie_title:token_seq\n242\tKoly", 0xE1, "\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals("movie_title", e.field());
        Files.write(items, CsvSideFileReaderTest.bytes("item_id:token\tmovie_title:token_seq\n242\tKolya\n24", 0xFE, "\tX\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults()));
        assertEquals(3, e.line());
        assertEquals("item_id", e.field());
    }

    @Test
    void numericUserFieldsAreNotProfileFields() throws IOException {
        Path dir = ml100kLike();
        Files.writeString(dir.resolve("ml-100k.user"), "user_id:token\tfans:float\telite:token_seq\n196\t3\t2019 2020\n");
        Dataset d = DatasetFormat.RECBOLE.load(dir, LoadOptions.defaults());
        assertEquals(Map.of("elite", "2019 2020"), d.userProfiles().get(0).fields());
        assertEquals(UserProfile.EMPTY, d.userProfiles().get(1));
    }
}
