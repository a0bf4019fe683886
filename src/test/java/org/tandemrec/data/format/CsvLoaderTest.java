package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;

class CsvLoaderTest {
    @TempDir
    Path dir;

    @Test
    void headerNamesInAnyOrderAndQuotedIds() throws IOException {
        Path f = dir.resolve("events.csv");
        Files.writeString(f, "ts,stars,item,user,extra\n10,4.5,\"i,1\",u1,\"a \"\"b\"\"\"\n20,2,i2,u2,\r\n30,1,\"i,1\",u2,z\n");
        CsvColumns cols = new CsvColumns(",", true, CsvColumns.Column.of("user"), CsvColumns.Column.of("item"),
                CsvColumns.Column.of("stars"), CsvColumns.Column.of("ts"));
        Dataset d = DatasetFormat.CSV.load(f, LoadOptions.defaults().withCsv(cols));
        assertEquals("events", d.name());
        assertEquals(List.of("u1", "u2"), d.users().rawIds());
        assertEquals(List.of("i,1", "i2"), d.items().rawIds());
        assertEquals(4.5f, d.interactions().value(0));
        assertEquals(30L, d.interactions().timestamp(2));
        assertEquals(0, d.interactions().item(2));
    }

    @Test
    void tsvByIndexWithoutRatingOrTimestampIsImplicitInRowOrder() throws IOException {
        Path f = dir.resolve("clicks.tsv");
        Files.writeString(f, "a\tx\nb\ty\na\ty\n");
        CsvColumns cols = new CsvColumns("\t", false, CsvColumns.Column.at(0), CsvColumns.Column.at(1), null, null);
        Dataset d = DatasetFormat.CSV.load(f, LoadOptions.defaults().withCsv(cols));
        InteractionTable t = d.interactions();
        assertEquals(3, t.size());
        for (int r = 0; r < 3; r++) {
            assertEquals(1f, t.value(r));
            assertEquals(r, t.timestamp(r));
        }
    }

    @Test
    void unknownColumnAndMissingFieldsAreReported() throws IOException {
        Path f = dir.resolve("x.csv");
        Files.writeString(f, "user_id,item_id,rating\nu,i,1\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DatasetFormat.CSV.load(f, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("no timestamp column 'timestamp'"), e.getMessage());

        Files.writeString(f, "user_id,item_id,rating,timestamp\nu,i,1,5\nu,i\nu,j,2,x\nv,k,3,7\n");
        DataFormatException bad = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(f, LoadOptions.defaults()));
        assertEquals(3, bad.line());
        LoadResult res = DatasetFormat.CSV.loadWithReport(f, LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(2, res.report().skippedLines());
        assertEquals(List.of("i", "k"), res.dataset().items().rawIds());
    }

    @Test
    void idsThatAreNotUtf8AreRefusedBeforeEitherIdIsIndexed() throws IOException {
        Path f = dir.resolve("x.csv");
        // Line 3: a new user with an item id in Latin-1 (0xE9); once refused, the user must not stay behind.
        Files.write(f, CsvSideFileReaderTest.bytes("user_id,item_id,rating,timestamp\nu1,i1,4,5\nu2,caf", 0xE9,
                ",3,6\nu1,caf\u00e9,5,7\n"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(f, LoadOptions.defaults()));
        assertEquals(f + ":3: field 'item': not UTF-8 text (byte 0xE9 at offset 3 of the field; save the file as UTF-8)",
                e.getMessage());
        LoadResult res = DatasetFormat.CSV.loadWithReport(f, LoadOptions.defaults().withSkipBadLines(true));
        assertEquals(1, res.report().skippedLines());
        assertEquals(List.of("u1"), res.dataset().users().rawIds());
        assertEquals(List.of("i1", "caf\u00e9"), res.dataset().items().rawIds());

        Files.write(f, CsvSideFileReaderTest.bytes("user_id,item_id,rating,timestamp\n", 0xC3, ",i1,4,5\n"));
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.CSV.load(f, LoadOptions.defaults()));
        assertEquals(2, e.line());
        assertEquals("user", e.field());
    }

    @Test
    void columnsValidateThemselves() {
        assertThrows(IllegalArgumentException.class, () -> new CsvColumns(",", false, CsvColumns.Column.of("u"),
                CsvColumns.Column.at(1), null, null));
        assertThrows(IllegalArgumentException.class, () -> new CsvColumns("", true, CsvColumns.Column.of("u"),
                CsvColumns.Column.of("i"), null, null));
        assertThrows(IllegalArgumentException.class, () -> new CsvColumns(",", true, CsvColumns.Column.of("u"),
                CsvColumns.Column.of("u"), null, null));
        assertEquals(CsvColumns.Column.at(3), CsvColumns.Column.parse("3"));
        assertEquals(CsvColumns.Column.of("rating"), CsvColumns.Column.parse("rating"));
    }

    @Test
    void formatNamesParseAndUnknownOnesListTheValidOnes() {
        assertEquals(DatasetFormat.ML_1M, DatasetFormat.parse("ML-1M"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetFormat.parse("parquet"));
        assertEquals("unknown data set format 'parquet', expected one of ml-100k, ml-1m, amazon, csv, recbole, tandem", e.getMessage());
    }
}
