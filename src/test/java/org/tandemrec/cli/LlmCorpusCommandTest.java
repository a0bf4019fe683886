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

    @Test
    void recboleTitlesReachTheCorpus() throws Exception {
        Path rb = Files.createDirectories(tmp.resolve("ml-100k"));
        Files.writeString(rb.resolve("ml-100k.inter"), "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                + "196\t242\t5\t881250949\n196\t302\t2\t881250950\n186\t999\t4\t891717742\n");
        Files.writeString(rb.resolve("ml-100k.item"), "item_id:token\tmovie_title:token_seq\trelease_year:token\t"
                + "class:token_seq\n242\tKolya\t1996\tComedy\n302\tL.A. Confidential\t1997\tCrime Film-Noir\n");
        Path corpus = tmp.resolve("corpus.txt");
        CliRun r = CliRun.of("llm", "corpus", "--format", "recbole", rb.toString(), "--out", corpus.toString());
        assertEquals(0, r.code(), r.err());
        List<String> docs = Files.readAllLines(corpus);
        assertTrue(docs.contains("A user watched: Kolya; L.A. Confidential. They liked Kolya. They did not like "
                + "L.A. Confidential."), String.join("\n", docs));
        assertTrue(docs.contains("A user watched: item 999. They liked item 999."), String.join("\n", docs));
    }
}
