package org.tandemrec.collab.corella;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.tandemrec.split.SplitConfig;
import org.tandemrec.split.SplitData;
import org.tandemrec.split.SplitPlan;
import org.tandemrec.split.SplitSource;

/** ReLLa's examples: earlier rated items as history, with their ratings, across the split's parts. */
class ClickExamplesTest {
    @TempDir
    Path tmp;

    @Test
    void historiesHoldTheEarlierRatedItemsOfEveryPart() throws Exception {
        // User 0 rates items 0..9 at times 1..10 (ratings 1..5 cycling); user 1 rates 3 items.
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (int t = 0; t < 10; t++) {
            b.add(0, t, 1 + t % 5, t + 1);
        }
        for (int t = 0; t < 3; t++) {
            b.add(1, t, 5, 100 + t);
        }
        InteractionTable raw = b.build(2, 10);
        List<ItemInfo> info = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            info.add(new ItemInfo("t" + i, List.of(), ""));
        }
        Dataset d = new Dataset("x", raw, IdMap.of(List.of("u0", "u1")), IdMap.of(List.of("0", "1", "2", "3", "4", "5",
                "6", "7", "8", "9")), info, List.of(UserProfile.EMPTY, UserProfile.EMPTY));
        LabelRule rule = LabelRule.atLeast(4);
        SplitData split = SplitPlan.run(d.withInteractions(rule.apply(raw)), new SplitSource("x", "", "memory", List.of(),
                rule), SplitConfig.corella().withFractions(0.6, 0.2, 0.2), tmp.resolve("s"), raw);
        ClickExamples.Parts p = ClickExamples.of(split, 3, 2);
        // The test part holds user 1's last rows (times 101, 102): the first has only 1 earlier rating
        // and is dropped (min_history 2); the second keeps its two earlier items.
        ClickExamples test = p.test();
        assertTrue(test.size() >= 1);
        int last = test.size() - 1;
        assertEquals(1, test.users()[last]);
        assertArrayEquals(new int[] {0, 1}, test.histories()[last]);
        assertArrayEquals(new float[] {5, 5}, test.ratings()[last]);
        // A row of user 0 late in time lists its last 3 earlier items with their stars, oldest first.
        for (ClickExamples part : List.of(p.train(), p.valid(), p.test())) {
            for (int k = 0; k < part.size(); k++) {
                if (part.users()[k] == 0) {
                    int item = part.items()[k];
                    assertEquals(Math.min(3, item), part.histories()[k].length);
                    for (int j = 0; j < part.histories()[k].length; j++) {
                        int h = part.histories()[k][j];
                        assertEquals(item - part.histories()[k].length + j, h);
                        assertEquals(1 + h % 5, part.ratings()[k][j], 0f);
                    }
                    assertTrue(item >= 2, "rows with fewer than 2 earlier ratings are dropped");
                    assertEquals((1 + item % 5) >= 4 ? 1f : 0f, part.labels()[k], 0f);
                }
            }
        }
    }
}
