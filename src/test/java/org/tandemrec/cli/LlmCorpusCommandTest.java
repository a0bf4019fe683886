package org.tandemrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitDirectory;

/** {@code tandem llm corpus --data SPLITDIR}: the corpus of a split's training part holds no held-out interaction. */
class LlmCorpusCommandTest {
    @TempDir
    Path tmp;

    @Test
    void splitCorpusHoldsNoHeldOutPair() throws Exception {
        Path world = tmp.resolve("world");
        assertEquals(0, CliRun.of("data", "synth", "--out", world.toString(), "--users", "200", "--items", "300").code());
        Path split = tmp.resolve("loo");
        assertEquals(0, CliRun.of("split", "--format", "tandem", world.toString(), "--out", split.toString(),
                "--sampler", "popularity").code());
        Path corpus = tmp.resolve("corpus.txt");
        CliRun r = CliRun.of("llm", "corpus", "--data", split.toString(), "--out", corpus.toString());
        assertEquals(0, r.code(), r.err());
        List<String> docs = Files.readAllLines(corpus);
        SplitData s = SplitDirectory.read(split);
        // Item documents first, then each user's behaviour sentences in user order, 10 items each.
        int[] trainCounts = s.train().userCounts();
        int at = docs.size();
        for (int c : trainCounts) {
            at -= (c + 9) / 10;
        }
        List<List<String>> byUser = new ArrayList<>();
        for (int c : trainCounts) {
            byUser.add(docs.subList(at, at + (c + 9) / 10));
            at += (c + 9) / 10;
        }
        assertEquals(docs.size(), at);
        int checked = 0;
        for (InteractionTable heldOut : List.of(s.valid(), s.test())) {
            for (int row = 0; row < heldOut.size(); row++) {
                String title = s.itemInfo().get(heldOut.item(row)).title();
                for (String doc : byUser.get(heldOut.user(row))) {
                    assertTrue(doc.startsWith("A user watched: "), doc);
                    assertFalse((doc + ";").contains(" " + title + ";") || doc.contains(" " + title + "."),
                            "user " + heldOut.user(row) + "'s held-out " + title + " in: " + doc);
                }
                checked++;
            }
        }
        assertEquals(400, checked);
        // the split's labels are used: implicit feedback, so no liked sentences
        assertFalse(docs.stream().anyMatch(d -> d.contains("They liked")));
        assertEquals(2, CliRun.of("llm", "corpus", "--data", split.toString(), "--out", corpus.toString(),
                "--label-rule", ">=4").code());
    }
}
