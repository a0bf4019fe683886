package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;

class DelimitedReaderTest {
    @TempDir
    Path dir;

    private List<List<String>> readAll(String content, String delim, boolean quoting) throws IOException {
        Path f = dir.resolve("f.txt");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        List<List<String>> out = new ArrayList<>();
        try (DelimitedReader r = new DelimitedReader(f, delim, quoting)) {
            while (r.next()) {
                List<String> rec = new ArrayList<>();
                for (int k = 0; k < r.fieldCount(); k++) {
                    rec.add(r.text(k, StandardCharsets.UTF_8));
                }
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void rfc4180QuotedFieldsWithDelimitersQuotesAndLineBreaks() throws IOException {
        var recs = readAll("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",x,\n,,\n", ",", true);
        assertEquals(List.of(List.of("a", "b,c", "say \"hi\""), List.of("multi\nline", "x", ""), List.of("", "", "")), recs);
    }

    @Test
    void lineNumbersCountPhysicalLinesInsideQuotedFields() throws IOException {
        Path f = dir.resolve("f.csv");
        Files.writeString(f, "h1,h2\n\"a\nb\",1\nc,2\n");
        try (DelimitedReader r = new DelimitedReader(f, ",", true)) {
            assertTrue(r.next());
            assertEquals(1, r.line());
            assertTrue(r.next());
            assertEquals(2, r.line());
            assertTrue(r.next());
            assertEquals(4, r.line());
            assertEquals(2, r.integer(1, "n"));
            assertFalse(r.next());
        }
    }

    @Test
    void byteOrderMarkIsDropped() throws IOException {
        assertEquals(List.of(List.of("user", "item"), List.of("\uFEFFu", "i")), readAll("\uFEFFuser,item\n\uFEFFu,i\n", ",", true));
    }

    @Test
    void multiByteDelimiterAndNoTrailingNewline() throws IOException {
        assertEquals(List.of(List.of("1", "2", "3.5", "9"), List.of("4", "5", "1", "8")),
                readAll("1::2::3.5::9\n4::5::1::8", "::", false));
    }

    @Test
    void recordsLongerThanTheBufferAndManyRecordsAcrossRefills() throws IOException {
        String longField = "x".repeat(200_000);
        StringBuilder sb = new StringBuilder("id,").append(longField).append('\n');
        for (int k = 0; k < 20_000; k++) {
            sb.append(k).append(",\"v").append(k).append("\"\n");
        }
        var recs = readAll(sb.toString(), ",", true);
        assertEquals(20_001, recs.size());
        assertEquals(longField, recs.get(0).get(1));
        assertEquals(List.of("19999", "v19999"), recs.get(20_000));
    }

    @Test
    void numbersParseExactlyAndBadOnesNameTheField() throws IOException {
        Path f = dir.resolve("n.tsv");
        Files.writeString(f, "4.5\t-3\t1e3\t978300760.0\nabc\tx\n");
        try (DelimitedReader r = new DelimitedReader(f, "\t", false)) {
            assertTrue(r.next());
            assertEquals(4.5, r.decimal(0, "rating"));
            assertEquals(-3, r.integer(1, "t"));
            assertEquals(1000.0, r.decimal(2, "rating"));
            assertEquals(978300760L, r.integer(3, "timestamp"));
            assertTrue(r.next());
            DataFormatException e = assertThrows(DataFormatException.class, () -> r.decimal(0, "rating"));
            assertEquals("rating", e.field());
            assertEquals(2, e.line());
            assertEquals(f, e.file());
        }
    }

    @Test
    void unclosedQuoteIsReportedAndTheReaderMovesOn() throws IOException {
        Path f = dir.resolve("q.csv");
        Files.writeString(f, "a,\"b\"x,c\nd,e\n");
        try (DelimitedReader r = new DelimitedReader(f, ",", true)) {
            DataFormatException e = assertThrows(DataFormatException.class, r::next);
            assertEquals(1, e.line());
            assertTrue(r.next());
            assertEquals("d", r.text(0, StandardCharsets.UTF_8));
            assertEquals(2, r.line());
        }
    }
    @Test
    void utf8FieldsAreDecodedAndOtherBytesRefusedWithTheirOffset() throws IOException {
        Path f = dir.resolve("u.tsv");
        byte[][] fields = {
            "Caf\u00e9 \u4e2d \ud83d\ude00".getBytes(StandardCharsets.UTF_8), // 2-, 3- and 4-byte sequences
            {'a', (byte) 0x80, 'b'},                  // a lone continuation byte
            {'C', 'a', 'f', (byte) 0xE9},             // Latin-1 é: a lead byte cut short by the field's end
            {(byte) 0xC0, (byte) 0x80},               // overlong NUL
            {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a UTF-16 surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
        };
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int k = 0; k < fields.length; k++) {
            out.write(fields[k]);
            out.write(k + 1 < fields.length ? '\t' : '\n');
        }
        Files.write(f, out.toByteArray());
        try (DelimitedReader r = new DelimitedReader(f, "\t", false)) {
            assertTrue(r.next());
            assertEquals("Caf\u00e9 \u4e2d \ud83d\ude00", r.utf8(0, "title"));
            int[] offsets = {1, 3, 0, 1, 0};
            for (int k = 1; k < fields.length; k++) {
                int field = k;
                DataFormatException e = assertThrows(DataFormatException.class, () -> r.utf8(field, "title"));
                int at = offsets[k - 1];
                assertEquals(f + ":1: field 'title': not UTF-8 text (byte 0x"
                        + String.format("%02X", fields[k][at] & 0xFF) + " at offset " + at
                        + " of the field; save the file as UTF-8)", e.getMessage());
            }
        }
    }
}
