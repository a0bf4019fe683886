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
import org.tandemrec.data.ItemInfo;

class AmazonLoaderTest {
    @TempDir
    Path dir;

    private Path gzip(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    @Test
    void dump2014PythonLiteralsGzipWithMetadata() throws IOException {
        // The name says nothing about compression: gzip is found by its magic bytes.
        Path reviews = gzip("reviews_Books.json", ""
                + "{'reviewerID': 'A1', 'asin': 'B0', 'overall': 5.0, 'unixReviewTime': 1400000000, 'reviewText': \"it's good\", 'helpful': [0, 1]}\n"
                + "{'reviewerID': 'A2', 'asin': 'B1', 'overall': 2.0, 'unixReviewTime': 1400000100, 'summary': 'meh'}\n"
                + "{'reviewerID': 'A1', 'asin': 'B1', 'overall': 4.0, 'unixReviewTime': 1400000200}\n");
        Path meta = dir.resolve("meta_Books.json");
        Files.writeString(meta, ""
                + "{'asin': 'B0', 'title': 'Caf\\xe9 Stories', 'categories': [['Books', 'Fiction'], ['Books', 'Kindle']], 'description': 'Short tales.'}\n"
                + "{'asin': 'ZZ', 'title': 'Never reviewed', 'categories': [['Books']]}\n");
        LoadResult res = DatasetFormat.AMAZON.loadWithReport(reviews, LoadOptions.defaults().withAmazonMetadata(meta));
        Dataset d = res.dataset();
        assertEquals("reviews_Books", d.name());
        assertEquals(List.of("A1", "A2"), d.users().rawIds());
        assertEquals(List.of("B0", "B1"), d.items().rawIds());
        assertEquals(3, d.interactions().size());
        assertEquals(2f, d.interactions().value(1));
        assertEquals(1400000200L, d.interactions().timestamp(2));
        assertEquals(new ItemInfo("Café Stories", List.of("Books", "Fiction", "Kindle"), "Short tales."), d.itemInfo().get(0));
        assertSame(ItemInfo.EMPTY, d.itemInfo().get(1));
        assertEquals(1, res.report().droppedMetadataItems());
    }

    @Test
    void dump2018JsonLinesWithCategoryAndDescriptionList() throws IOException {
        Path reviews = dir.resolve("Books.json");
        Files.writeString(reviews, ""
                + "{\"overall\": 5.0, \"verified\": true, \"reviewerID\": \"U1\", \"asin\": \"I1\", \"unixReviewTime\": 1500000000, \"style\": {\"Format:\": \"Paperback\"}}\n"
                + "\n"
                + "{\"overall\": 3.0, \"reviewerID\": \"U2\", \"asin\": \"I1\", \"unixReviewTime\": 1500000001, \"vote\": \"2\"}\n");
        Path meta = dir.resolve("meta_Books.json");
        Files.writeString(meta, "{\"asin\": \"I1\", \"title\": \"A Book\", \"category\": [\"Books\", \"Literature & Fiction\"], "
                + "\"main_cat\": \"Books\", \"description\": [\"Part one.\", \"Part two.\"]}\n");
        Dataset d = DatasetFormat.AMAZON.load(reviews, LoadOptions.defaults().withAmazonMetadata(meta));
        assertEquals(2, d.numUsers());
        assertEquals(1, d.numItems());
        assertEquals(new ItemInfo("A Book", List.of("Books", "Literature & Fiction"), "Part one. Part two."), d.itemInfo().get(0));
    }

    @Test
    void dump2023ParentAsinAndMillisecondTimestamps() throws IOException {
        Path reviews = gzip("Books.jsonl.gz", ""
                + "{\"rating\": 4.0, \"title\": \"t\", \"text\": \"x\", \"asin\": \"V1\", \"parent_asin\": \"P1\", \"user_id\": \"AG1\", \"timestamp\": 1588687728923, \"helpful_vote\": 2, \"verified_purchase\": true}\n"
                + "{\"rating\": 1.0, \"asin\": \"V2\", \"parent_asin\": \"P1\", \"user_id\": \"AG2\", \"timestamp\": 1588687729000}\n");
        Path meta = gzip("meta_Books.jsonl.gz", "{\"main_category\": \"Books\", \"title\": \"Parent\", \"categories\": [\"Books\", \"Mystery\"], "
                + "\"description\": [], \"parent_asin\": \"P1\", \"details\": {\"Publisher\": \"X\"}}\n");
        Dataset d = DatasetFormat.AMAZON.load(reviews, LoadOptions.defaults().withAmazonMetadata(meta));
        // Two variants (V1, V2) of one product are one item.
        assertEquals(List.of("P1"), d.items().rawIds());
        assertEquals(1588687728L, d.interactions().timestamp(0));
        assertEquals(1588687729L, d.interactions().timestamp(1));
        assertEquals(new ItemInfo("Parent", List.of("Books", "Mystery"), ""), d.itemInfo().get(0));
    }

    @Test
    void badLinesNameTheFieldAndCanBeSkipped() throws IOException {
        Path reviews = dir.resolve("r.json");
        Files.writeString(reviews, ""
                + "{'reviewerID': 'A1', 'asin': 'B0', 'overall': 5.0, 'unixReviewTime': 1400000000}\n"
                + "{'reviewerID': 'A2', 'asin': 'B1', 'overall': 'great', 'unixReviewTime': 1}\n"
                + "{\"reviewerID\": \"A3\", \"asin\": \"B2\", \"unixReviewTime\": 1}\n"
                + "{'reviewerID': 'A4', 'asin': 'B3', 'overall': 1.0, 'unixReviewTime': 1\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.AMAZON.load(reviews, LoadOptions.defaults()));
        assertEquals(2, e.line());
        assertEquals("overall", e.field());
        LoadResult res = DatasetFormat.AMAZON.loadWithReport(reviews, LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(3, res.report().skippedLines());
        assertEquals(List.of("A1"), res.dataset().users().rawIds());
        assertEquals(3, res.report().firstSkipped().size());
    }
    @Test
    void aRepeatedMetadataRowIsToleratedWhenItReadsTheSameAndRefusedWhenNot() throws IOException {
        Path reviews = dir.resolve("r.json");
        Files.writeString(reviews, "{\"reviewerID\": \"A1\", \"asin\": \"B0\", \"overall\": 5.0, \"unixReviewTime\": 1}\n"
                + "{\"reviewerID\": \"A1\", \"asin\": \"B1\", \"overall\": 4.0, \"unixReviewTime\": 2}\n");
        Path meta = dir.resolve("meta.json");
        // Line 3 repeats B0 with the same title and categories (only its price differs): nothing it says is lost.
        Files.writeString(meta, "{\"asin\": \"B0\", \"title\": \"Tales\", \"categories\": [[\"Books\"]], \"price\": \"$3\"}\n"
                + "{'asin': 'B1', 'title': 'Stories'}\n"
                + "{'asin': 'B0', 'title': 'Tales', 'categories': [['Books']], 'price': '$4'}\n");
        LoadOptions withMeta = LoadOptions.defaults().withAmazonMetadata(meta);
        Dataset d = DatasetFormat.AMAZON.load(reviews, withMeta);
        assertEquals(new ItemInfo("Tales", List.of("Books"), ""), d.itemInfo().get(0));
        assertEquals("Stories", d.itemInfo().get(1).title());

        Files.writeString(meta, Files.readString(meta) + "{\"asin\": \"B1\", \"title\": \"Other stories\"}\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.AMAZON.load(reviews, withMeta));
        assertEquals(meta + ":4: field 'asin': duplicate id 'B1' (first on line 2)", e.getMessage());
        // 2023 metadata is keyed by parent_asin, and the message names that key.
        Files.writeString(meta, "{\"parent_asin\": \"B0\", \"title\": \"Tales\"}\n{\"parent_asin\": \"B0\", \"title\": \"Tale\"}\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.AMAZON.load(reviews, withMeta));
        assertEquals(meta + ":2: field 'parent_asin': duplicate id 'B0' (first on line 1)", e.getMessage());
        // Skipped, the disagreeing row leaves the first one's information in place.
        LoadResult res = DatasetFormat.AMAZON.loadWithReport(reviews, withMeta.withSkipBadLines(true));
        assertEquals(1, res.report().skippedLines());
        assertEquals("Tales", res.dataset().itemInfo().get(0).title());
    }

    @Test
    void linesThatAreNotUtf8AreRefusedInEitherSyntax() throws IOException {
        Path reviews = dir.resolve("r.json");
        // A Python-literal line used to be decoded with replacement characters; JSON lines were already refused.
        Files.write(reviews, CsvSideFileReaderTest.bytes("{'reviewerID': 'A1', 'asin': 'B0', 'overall': 5.0, 'unixReviewTime': 1}\n"
                + "{'reviewerID': 'A", 0xE9, "', 'asin': 'B0', 'overall': 5.0, 'unixReviewTime': 2}\n"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.AMAZON.load(reviews, LoadOptions.defaults()));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("not UTF-8 text (byte 0xE9 at offset 17"), e.getMessage());
        Files.write(reviews, CsvSideFileReaderTest.bytes("{\"reviewerID\": \"A", 0xE9, "\", \"asin\": \"B0\", \"overall\": 5.0, "
                + "\"unixReviewTime\": 2}\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.AMAZON.load(reviews, LoadOptions.defaults()));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());

        Files.writeString(reviews, "{\"reviewerID\": \"A1\", \"asin\": \"B0\", \"overall\": 5.0, \"unixReviewTime\": 1}\n");
        Path meta = dir.resolve("meta.json");
        for (String open : List.of("{\"asin\": \"B0\", \"title\": \"Caf", "{'asin': 'B0', 'title': 'Caf")) {
            Files.write(meta, CsvSideFileReaderTest.bytes(open, 0xE9, open.contains("\"") ? "\"}\n" : "'}\n"));
            e = assertThrows(DataFormatException.class,
                    () -> DatasetFormat.AMAZON.load(reviews, LoadOptions.defaults().withAmazonMetadata(meta)));
            assertEquals(meta + ":1: field '(record)': not UTF-8 text (byte 0xE9 at offset " + open.length()
                    + " of the field; save the file as UTF-8)", e.getMessage());
        }
    }
}
