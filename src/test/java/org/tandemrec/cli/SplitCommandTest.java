package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;
import org.tandemrec.data.format.SideInfoFiles;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
import org.tandemrec.split.SplitIdentity;
import picocli.CommandLine;

class SplitCommandTest {
    @TempDir
    Path tmp;

    private int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void splitDirectoryIsReproducibleAndRecordsItsSource() throws Exception {
        Path world = tmp.resolve("world");
        assertEquals(0, run(new StringWriter(), "data", "synth", "--out", world.toString(), "--users", "400",
                "--items", "300"));
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        for (Path out : new Path[] {a, b}) {
            assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", world.toString(), "--out",
                    out.toString(), "--protocol", "loo", "--task", "both", "--sampler", "popularity",
                    "--negatives", "9", "--seed", "5"));
        }
        for (String f : new String[] {"train.tsv", "test_candidates.tsv", "ctr_test.tsv"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        SplitData s = SplitDirectory.read(a);
        assertEquals(400, s.testCandidates().size(), "one test list per user under leave-one-out");
        assertEquals(9, s.testCandidates().negativesPerList());
        assertEquals("tandem", s.manifest().source().format());
        assertEquals(5L, s.config().seed());
    }

    @Test
    void aSplitOfAnotherSplitsTrainingPartKeepsItsIndicesAndNeverSeesItsHeldOutRows() throws Exception {
        Path world = tmp.resolve("world");
        run(new StringWriter(), "data", "synth", "--out", world.toString(), "--users", "300", "--items", "200");
        Path time = tmp.resolve("time");
        assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", world.toString(), "--out", time.toString(),
                "--protocol", "time", "--task", "ctr", "--label-rule", ">=4"));
        Path loo = tmp.resolve("loo");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "split", "--format", "split", time.toString(), "--out", loo.toString(), "--protocol", "loo",
                "--task", "both", "--sampler", "popularity"), err.toString());
        SplitData first = SplitDirectory.read(time);
        SplitData second = SplitDirectory.read(loo);
        assertEquals(SplitIdentity.idsSha256(first), SplitIdentity.idsSha256(second), "same users and items, same order");
        assertEquals(first.itemInfo(), second.itemInfo());
        assertEquals("split", second.manifest().source().format());
        // Every interaction of the second split is a training row of the first, with its rating.
        java.util.Set<String> firstTrain = new java.util.HashSet<>();
        for (int r = 0; r < first.train().size(); r++) {
            firstTrain.add(first.train().user(r) + " " + first.train().item(r) + " " + first.train().timestamp(r));
        }
        int rows = 0;
        for (org.tandemrec.data.InteractionTable t : List.of(second.train(), second.valid(), second.test())) {
            for (int r = 0; r < t.size(); r++) {
                assertTrue(firstTrain.contains(t.user(r) + " " + t.item(r) + " " + t.timestamp(r)), "row " + r);
                rows++;
            }
        }
        assertEquals(first.train().size(), rows, "the whole training part, nothing else");
        assertTrue(second.test().size() > 0 && second.testCandidates().size() == second.test().size());

        StringWriter refused = new StringWriter();
        assertEquals(2, run(refused, "split", "--format", "split", time.toString(), "--out", tmp.resolve("k").toString(),
                "--kcore", "3"));
        assertTrue(refused.toString().contains("--kcore would drop users or items"), refused.toString());
    }

    @Test
    void explicitLabelsUnderATimeSplitKeepNaturalLabels() throws Exception {
        Path world = tmp.resolve("world");
        run(new StringWriter(), "data", "synth", "--out", world.toString(), "--users", "400", "--items", "300");
        Path out = tmp.resolve("ctr");
        assertEquals(0, run(new StringWriter(), "split", "--format", "tandem", world.toString(), "--out",
                out.toString(), "--protocol", "time", "--task", "ctr", "--label-rule", ">=4"));
        SplitData s = SplitDirectory.read(out);
        int positives = 0;
        for (int r = 0; r < s.ctrTest().size(); r++) {
            float v = s.ctrTest().value(r);
            assertTrue(v == 0f || v == 1f);
            positives += (int) v;
        }
        assertTrue(positives > 0 && positives < s.ctrTest().size(), "both classes present");
        assertEquals(s.test().size(), s.ctrTest().size(), "natural labels: no sampled negatives");
    }

    @Test
    void csvSideFilesCarryTitlesAndProfilesIntoTheSplit() throws Exception {
        StringBuilder ratings = new StringBuilder("user_id,item_id,rating,timestamp\n");
        for (int u = 0; u < 6; u++) {
            for (int k = 0; k < 5; k++) {
                ratings.append("u").append(u).append(",m").append((u + k) % 8).append(",4,").append(100 * u + k).append('\n');
            }
        }
        Path csv = Files.writeString(tmp.resolve("ratings.csv"), ratings);
        StringBuilder items = new StringBuilder("item_id,title,categories,description\n");
        for (int i = 0; i < 8; i++) {
            items.append("m").append(i).append(",Movie ").append(i).append(",Drama|Genre ").append(i % 2).append(",\n");
        }
        Path itemFile = Files.writeString(tmp.resolve("movies.csv"), items);
        Path userFile = Files.writeString(tmp.resolve("people.csv"), "user_id,age,gender\nu0,25,F\nu3,40,M\n");
        Path out = tmp.resolve("loo");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "split", "--format", "csv", csv.toString(), "--items", itemFile.toString(), "--users",
                userFile.toString(), "--out", out.toString(), "--sampler", "popularity", "--negatives", "3"), err.toString());
        SideInfoFiles.Items written = SideInfoFiles.readItems(out.resolve(SplitDirectory.ITEMS));
        int m5 = written.ids().index("m5");
        assertEquals(new ItemInfo("Movie 5", List.of("Drama", "Genre 1"), ""), written.info().get(m5));
        SplitData s = SplitDirectory.read(out);
        assertEquals("Movie 0", s.itemInfo().get(s.items().index("m0")).title());
        assertEquals("40", s.userProfiles().get(s.users().index("u3")).get("age"));
        assertEquals(UserProfile.EMPTY, s.userProfiles().get(s.users().index("u1")));
    }

    @Test
    void unknownProtocolIsAUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        int code = run(err, "split", "--format", "tandem", tmp.toString(), "--out", tmp.resolve("x").toString(),
                "--protocol", "sideways");
        assertEquals(2, code);
        assertTrue(err.toString().contains("sideways"), err.toString());
    }
}
