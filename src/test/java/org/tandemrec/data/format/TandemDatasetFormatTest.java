package org.tandemrec.data.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

class TandemDatasetFormatTest {
    @TempDir
    Path dir;

    static Dataset sample() {
        IdMap users = IdMap.of(List.of("alice", "bob"));
        IdMap items = IdMap.of(List.of("i1", "i2", "cold"));
        InteractionTable t = new InteractionTable(new int[] {1, 0, 0}, new int[] {0, 1, 0},
                new float[] {4f, 0.1f, 3.5f}, new long[] {300, 100, 200}, 2, 3);
        List<ItemInfo> info = List.of(new ItemInfo("Über \"One\"", List.of("A", "B"), "line1\nline2"),
                ItemInfo.EMPTY, new ItemInfo("Cold item", List.of("C"), "never seen"));
        List<UserProfile> profiles = List.of(new UserProfile(Map.of("age", "30")), UserProfile.EMPTY);
        return new Dataset("sample", t, users, items, info, profiles);
    }

    @Test
    void roundTripKeepsIndexesOrderValuesAndSideInformation() throws IOException {
        Dataset d = sample();
        Path out = dir.resolve("ds");
        TandemDatasetFormat.write(d, out);
        assertEquals("user_id\titem_id\trating\ttimestamp", Files.readAllLines(out.resolve("interactions.tsv")).get(0));
        Dataset back = DatasetFormat.TANDEM.load(out, LoadOptions.defaults());
        assertEquals(d.name(), back.name());
        assertEquals(d.users().rawIds(), back.users().rawIds());
        assertEquals(d.items().rawIds(), back.items().rawIds());
        assertEquals(d.itemInfo(), back.itemInfo());
        assertEquals(d.userProfiles(), back.userProfiles());
        InteractionTable a = d.interactions();
        InteractionTable b = back.interactions();
        assertArrayEquals(a.userColumn(), b.userColumn());
        assertArrayEquals(a.itemColumn(), b.itemColumn());
        assertArrayEquals(a.valueColumn(), b.valueColumn());
        assertArrayEquals(a.timestampColumn(), b.timestampColumn());
        try (var files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void otherFormatOrVersionIsRefused() throws IOException {
        Path out = dir.resolve("ds");
        TandemDatasetFormat.write(sample(), out);
        Files.writeString(out.resolve("dataset.json"), "{\"format\":\"tandem-dataset\",\"version\":2,\"name\":\"x\"}");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.TANDEM.load(out, LoadOptions.defaults()));
        assertEquals("version", e.field());
        Files.writeString(out.resolve("dataset.json"), "{\"format\":\"something\",\"version\":1}");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.TANDEM.load(out, LoadOptions.defaults()));
        assertEquals("format", e.field());
    }

    @Test
    void unknownItemsAndTruncatedFilesAreCaught() throws IOException {
        Path out = dir.resolve("ds");
        TandemDatasetFormat.write(sample(), out);
        Path tsv = out.resolve("interactions.tsv");
        Files.writeString(tsv, Files.readString(tsv) + "alice\tnope\t1\t5\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.TANDEM.load(out, LoadOptions.defaults()));
        assertEquals("item_id", e.field());
        assertEquals(5, e.line());
        Files.writeString(tsv, "user_id\titem_id\trating\ttimestamp\nalice\ti1\t1\t5\n");
        e = assertThrows(DataFormatException.class, () -> DatasetFormat.TANDEM.load(out, LoadOptions.defaults()));
        assertEquals("interactions", e.field());
        assertTrue(e.getMessage().contains("says 3 but the files hold 1"), e.getMessage());
    }

    @Test
    void idsThatAreNotUtf8AreRefusedAsSuchNotAsUnknownIds() throws IOException {
        Path out = dir.resolve("ds");
        TandemDatasetFormat.write(sample(), out);
        Path tsv = out.resolve("interactions.tsv");
        byte[] head = Files.readAllBytes(tsv);
        for (String[] c : new String[][] {{"b\u0080ob\ti1", "user_id"}, {"bob\ti\u00802", "item_id"}}) {
            byte[] row = (c[0] + "\t1\t5\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] all = java.util.Arrays.copyOf(head, head.length + row.length);
            System.arraycopy(row, 0, all, head.length, row.length);
            Files.write(tsv, all);
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> DatasetFormat.TANDEM.load(out, LoadOptions.defaults()));
            assertEquals(tsv + ":5: field '" + c[1] + "': not UTF-8 text (byte 0x80 at offset 1 of the field; save the file"
                    + " as UTF-8)", e.getMessage());
        }
    }

    @Test
    void aRepeatedSideObjectIsRefusedNamingTheLineOfTheFirst() throws IOException {
        Path out = dir.resolve("ds");
        TandemDatasetFormat.write(sample(), out);
        Path users = out.resolve("users.jsonl");
        Files.writeString(users, Files.readString(users) + "{\"user_id\":\"alice\"}\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetFormat.TANDEM.load(out, LoadOptions.defaults()));
        assertEquals(users + ":3: field 'user_id': duplicate id 'alice' (first on line 1)", e.getMessage());
    }

    @Test
    void idsThatWouldBreakTheTsvAreRefusedOnWriting() {
        Dataset d = sample();
        Dataset bad = new Dataset("x", d.interactions(), IdMap.of(List.of("a\tb", "c")), d.items(), d.itemInfo(), d.userProfiles());
        assertThrows(DataFormatException.class, () -> TandemDatasetFormat.write(bad, dir.resolve("bad")));
        assertFalse(Files.exists(dir.resolve("bad").resolve("dataset.json")));
    }
}
