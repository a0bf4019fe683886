package org.tandemrec.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemrec.data.Dataset;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.LabelRule;
import org.tandemrec.data.UserProfile;

class BehaviourCorpusTest {
    @TempDir
    Path tmp;

    private static Dataset tiny() {
        // user 0 rated B (5) at t=2, A (2) at t=1, C (4) at t=3; user 1 rated A (5) at t=1.
        InteractionTable t = new InteractionTable.Builder()
                .add(0, 1, 5, 2).add(0, 0, 2, 1).add(0, 2, 4, 3).add(1, 0, 5, 1)
                .build(2, 3);
        return new Dataset("tiny", t, IdMap.of(List.of("u0", "u1")), IdMap.of(List.of("a", "b", "c")),
                List.of(new ItemInfo("Alpha", List.of("jazz"), "About jazz."), new ItemInfo("Beta", List.of(), ""),
                        new ItemInfo("", List.of(), "")),
                List.of(UserProfile.EMPTY, UserProfile.EMPTY));
    }

    @Test
    void itemsThenTimeOrderedBehaviourWithLikes() {
        List<String> docs = new BehaviourCorpus(2).documents(tiny(), LabelRule.atLeast(4));
        assertEquals(List.of(
                "Alpha. Categories: jazz. About jazz.",
                "Beta",
                "A user watched: Alpha; Beta. They liked Beta. They did not like Alpha.",
                "A user watched: item c. They liked item c.",
                "A user watched: Alpha. They liked Alpha."), docs);
    }

    @Test
    void implicitFeedbackHasNoLikeSentencesAndFileHasOneDocumentPerLine() throws Exception {
        Path f = tmp.resolve("corpus.txt");
        new BehaviourCorpus(5).write(tiny(), LabelRule.implicitFeedback(), f);
        List<String> lines = Files.readAllLines(f);
        assertEquals(4, lines.size());
        assertEquals("A user watched: Alpha; Beta; item c.", lines.get(2));
        assertThrows(IllegalArgumentException.class, () -> new BehaviourCorpus(0));
    }
}
