package org.tandemrec.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;

class SplitDirectoryTest {
    @TempDir
    Path tmp;

    private final Dataset dataset = SplitFixtures.dataset(SplitFixtures.table(50, 80, 2, 15, 21L));
    private final SplitSource implicit = SplitSource.implicitData("fixture");
    private final SplitConfig config = SplitConfig.defaults().withSampler(SplitConfig.SamplerKind.POPULARITY);

    private static final List<String> FILES = List.of("manifest.json", "train.tsv", "valid.tsv", "test.tsv",
            "valid_candidates.tsv", "test_candidates.tsv", "ctr_valid.tsv", "ctr_test.tsv", "items.jsonl", "users.jsonl");

    @Test
    void topKListsAndCtrSetsFollowTheProtocol() throws IOException {
        SplitData s = SplitPlan.run(dataset, implicit, config, tmp.resolve("a"));
        UserItems known = UserItems.of(dataset.interactions());
        // LOO: one valid and one test row per user with >= 3 interactions; each is a positive (implicit).
        int eligible = 0;
        for (int c : dataset.interactions().userCounts()) {
            eligible += c >= 3 ? 1 : 0;
        }
        assertEquals(eligible, s.test().size());
        assertEquals(eligible, s.testCandidates().size());
        assertEquals(eligible, s.validCandidates().size());
        assertEquals(dataset.interactions().size(), s.train().size() + s.valid().size() + s.test().size());
        for (CandidateLists lists : List.of(s.validCandidates(), s.testCandidates())) {
            assertEquals(19, lists.negativesPerList());
            for (int l = 0; l < lists.size(); l++) {
                int u = lists.user(l);
                Set<Integer> seen = new HashSet<>();
                for (int it : lists.negatives(l)) {
                    assertFalse(known.contains(u, it), "negative " + it + " known to user " + u);
                    assertTrue(seen.add(it), "duplicate negative");
                    assertNotEquals(lists.positive(l), it);
                }
            }
        }
        for (int l = 0; l < s.testCandidates().size(); l++) {
            assertEquals(s.test().user(l), s.testCandidates().user(l));
            assertEquals(s.test().item(l), s.testCandidates().positive(l));
        }
        // CTR 1:1: each test positive followed by one negative the user never interacted with.
        assertEquals(2 * s.test().size(), s.ctrTest().size());
        for (int r = 0; r < s.ctrTest().size(); r += 2) {
            assertEquals(1f, s.ctrTest().value(r));
            assertEquals(0f, s.ctrTest().value(r + 1));
            assertEquals(s.ctrTest().user(r), s.ctrTest().user(r + 1));
            assertFalse(known.contains(s.ctrTest().user(r + 1), s.ctrTest().item(r + 1)));
        }
        assertEquals(eligible, s.manifest().count("test_candidates"));
        assertEquals(2L * eligible, s.manifest().count("ctr_valid"));
    }

    @Test
    void explicitLabelsAreKeptForCtr() throws IOException {
        InteractionTable labelled = LabelRule.atLeast(4).apply(dataset.interactions());
        SplitSource src = new SplitSource("fixture", "/data/x.csv", "csv", List.of("kcore:2"), LabelRule.atLeast(4));
        SplitData s = SplitPlan.run(dataset.withInteractions(labelled), src, SplitConfig.corella(), tmp.resolve("c"));
        assertEquals(s.valid().size(), s.ctrValid().size());
        assertArrayEquals(s.test().valueColumn(), s.ctrTest().valueColumn());
        assertTrue(Files.notExists(tmp.resolve("c/test_candidates.tsv")), "task ctr writes no candidate lists");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SplitPlan.run(dataset, src, SplitConfig.corella(), tmp.resolve("d")));
        assertTrue(e.getMessage().contains("is not a 0/1 label"), e.getMessage());
    }

    @Test
    void ratingsBehindTheLabelsAreKeptAndRead() throws IOException {
        InteractionTable raw = dataset.interactions();
        SplitSource src = new SplitSource("fixture", "/data/x.csv", "csv", List.of(), LabelRule.atLeast(4));
        SplitPlan.run(dataset.withInteractions(LabelRule.atLeast(4).apply(raw)), src, SplitConfig.corella(),
                tmp.resolve("r"), raw);
        SplitData read = SplitDirectory.read(tmp.resolve("r"));
        assertEquals(raw.size(), read.ratings().size());
        for (int r = 0; r < raw.size(); r++) {
            assertEquals(raw.value(r), read.ratings().value(r));
            assertEquals(raw.timestamp(r), read.ratings().timestamp(r));
        }
        assertEquals(0, SplitPlan.run(dataset, implicit, config, tmp.resolve("i")).ratings().size(),
                "implicit feedback has no ratings");
        assertEquals(0, SplitDirectory.read(tmp.resolve("i")).ratings().size());
        assertFalse(Files.exists(tmp.resolve("i/ratings.tsv")));

        Path f = tmp.resolve("r/ratings.tsv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(f));
        lines.set(3, lines.get(3).replaceFirst("\t[^\t]+\t([^\t]+)$", "\tfive\t$1"));
        Files.write(f, lines);
        DataFormatException bad = assertThrows(DataFormatException.class,
                () -> SplitDirectory.readRatings(f, raw.numUsers(), raw.numItems()));
        assertEquals("rating", bad.field());
        assertEquals(4, bad.line());
    }

    @Test
    void sameSeedGivesIdenticalBytesOtherSeedDiffers() throws IOException {
        SplitPlan.run(dataset, implicit, config, tmp.resolve("a"));
        SplitPlan.run(dataset, implicit, config, tmp.resolve("b"));
        SplitPlan.run(dataset, implicit, config.withSeed(43), tmp.resolve("c"));
        for (String f : FILES) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f);
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/test_candidates.tsv")),
                Files.readAllBytes(tmp.resolve("c/test_candidates.tsv"))));
    }

    @Test
    void roundTripGivesTheSameSplit() throws IOException {
        SplitData written = SplitPlan.run(dataset, implicit, config, tmp.resolve("a"));
        SplitData read = SplitDirectory.read(tmp.resolve("a"));
        assertEquals(written.manifest(), read.manifest());
        assertEquals(SplitConfig.defaults().withSampler(SplitConfig.SamplerKind.POPULARITY), read.config());
        assertEquals(written.testCandidates(), read.testCandidates());
        assertEquals(written.validCandidates(), read.validCandidates());
        for (var pair : List.of(List.of(written.train(), read.train()), List.of(written.test(), read.test()),
                List.of(written.ctrValid(), read.ctrValid()))) {
            assertArrayEquals(pair.get(0).userColumn(), pair.get(1).userColumn());
            assertArrayEquals(pair.get(0).itemColumn(), pair.get(1).itemColumn());
            assertArrayEquals(pair.get(0).valueColumn(), pair.get(1).valueColumn());
            assertArrayEquals(pair.get(0).timestampColumn(), pair.get(1).timestampColumn());
        }
        assertEquals(dataset.itemInfo(), read.itemInfo());
        assertEquals(dataset.userProfiles(), read.userProfiles());
        assertEquals(dataset.items().rawIds(), read.items().rawIds());
        String header = Files.readAllLines(tmp.resolve("a/test_candidates.tsv")).get(0);
        assertEquals("user\tpositive\tnegatives", header);
        assertEquals("user\titem\tlabel\ttimestamp", Files.readAllLines(tmp.resolve("a/train.tsv")).get(0));
    }

    @Test
    void refusesMissingManifestAndUnknownVersion() throws IOException {
        Path dir = tmp.resolve("a");
        SplitPlan.run(dataset, implicit, config, dir);
        Path mf = dir.resolve("manifest.json");
        String json = Files.readString(mf);
        Files.writeString(mf, json.replace("\"version\" : 1", "\"version\" : 2"));
        DataFormatException v = assertThrows(DataFormatException.class, () -> SplitDirectory.read(dir));
        assertEquals("version", v.field());
        assertTrue(v.getMessage().contains("unsupported split format version 2"), v.getMessage());
        Files.writeString(mf, json.replace("\"tandem-split\"", "\"tandem-dataset\""));
        assertEquals("format", assertThrows(DataFormatException.class, () -> SplitDirectory.read(dir)).field());
        Files.delete(mf);
        DataFormatException m = assertThrows(DataFormatException.class, () -> SplitDirectory.read(dir));
        assertTrue(m.getMessage().contains("manifest.json is missing"), m.getMessage());
    }

    @Test
    void anUnknownProtocolTaskOrSamplerIsRefusedNamingItsField() throws IOException {
        Path dir = tmp.resolve("a");
        SplitPlan.run(dataset, implicit, config, dir);
        Path mf = dir.resolve("manifest.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String valid = Files.readString(mf);
        for (String field : List.of("protocol", "task", "sampler", "ctr_sampler")) {
            var m = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(valid);
            m.put(field, "sideways");
            Files.writeString(mf, m.toString());
            DataFormatException e = assertThrows(DataFormatException.class, () -> SplitDirectory.read(dir));
            assertEquals(field, e.field());
            assertTrue(e.getMessage().contains("got 'sideways'"), e.getMessage());
        }
    }

    @Test
    void aManifestNeverLeadsOutOfItsDirectory() throws IOException {
        Path dir = tmp.resolve("a");
        SplitPlan.run(dataset, implicit, config, dir);
        Path mf = dir.resolve("manifest.json");
        String json = Files.readString(mf);
        Files.writeString(tmp.resolve("outside.tsv"), "x\n");
        for (String name : new String[] {"../outside.tsv", "/dev/zero", "sub/../../outside.tsv"}) {
            Files.writeString(mf, json.replace("\"train.tsv\"", "\"" + name + "\""));
            DataFormatException e = assertThrows(DataFormatException.class, () -> SplitDirectory.read(dir), name);
            assertEquals("files." + name, e.field());
            assertTrue(e.getMessage().contains("not a file name of the split directory"), e.getMessage());
        }
    }

    @Test
    void malformedLineNamesFileLineAndField() throws IOException {
        Path dir = tmp.resolve("a");
        SplitData s = SplitPlan.run(dataset, implicit, config, dir);
        Path test = dir.resolve("test.tsv");
        List<String> lines = Files.readAllLines(test);
        lines.set(3, lines.get(3).replaceFirst("\t[01]\t", "\tyes\t"));
        String bad = String.join("\n", lines) + "\n";
        // A changed file is caught by its checksum first …
        Files.writeString(test, bad);
        assertEquals("(sha256)", assertThrows(DataFormatException.class, () -> SplitDirectory.read(dir)).field());
        // … and the line reader names file, line and field.
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> SplitDirectory.readTable(test, s.numUsers(), s.numItems()));
        assertEquals(test, e.file());
        assertEquals(4, e.line());
        assertEquals("label", e.field());
        Path cands = dir.resolve("test_candidates.tsv");
        Files.writeString(cands, "user\tpositive\tnegatives\n0\t1\t2 3 4\n", StandardCharsets.UTF_8);
        DataFormatException c = assertThrows(DataFormatException.class,
                () -> SplitDirectory.readCandidates(cands, s.numUsers(), s.numItems(), 19));
        assertEquals(2, c.line());
        assertEquals("negatives", c.field());
    }

    @Test
    void tooFewFreeItemsNamesTheRawUserId() {
        // 80 items, users with up to 15: asking for 70 negatives leaves some users short.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SplitPlan.run(dataset, implicit, config.withNegatives(70), tmp.resolve("x")));
        assertTrue(e.getMessage().matches("user '\\d+' \\(user index \\d+ interacted with \\d+ of 80 items: .*"),
                e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("x/manifest.json")), "a failed split leaves no manifest");
    }

    @Test
    void timeAndRandomProtocolsRoundTrip() throws IOException {
        for (SplitConfig.Protocol p : List.of(SplitConfig.Protocol.TIME, SplitConfig.Protocol.RANDOM)) {
            SplitConfig c = config.withProtocol(p).withNegatives(9).withSampler(SplitConfig.SamplerKind.UNIFORM);
            SplitData s = SplitPlan.run(dataset, implicit, c, tmp.resolve(p.id()));
            int n = dataset.interactions().size();
            assertEquals(GlobalTimeSplit.share(0.8, n), s.train().size());
            assertEquals(s.test().size(), s.testCandidates().size());
            assertEquals(s.testCandidates(), SplitDirectory.read(tmp.resolve(p.id())).testCandidates());
        }
    }
}
