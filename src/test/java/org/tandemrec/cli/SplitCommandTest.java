package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;
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
    void unknownProtocolIsAUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        int code = run(err, "split", "--format", "tandem", tmp.toString(), "--out", tmp.resolve("x").toString(),
                "--protocol", "sideways");
        assertEquals(2, code);
        assertTrue(err.toString().contains("sideways"), err.toString());
    }
}
