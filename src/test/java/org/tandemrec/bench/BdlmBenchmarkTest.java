package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandemrec.llm.decoder.TorchThreads;
import org.tandemrec.llm.decoder.TrainBatch;

/** The BDLM step benchmark on a tiny model: every mode measured, the batches as described, the ratio (never a speed). */
class BdlmBenchmarkTest {
    @BeforeAll
    static void singleThread() {
        TorchThreads.set(1);
    }

    @Test
    void everyModeIsMeasuredWithBothTables() {
        BdlmBenchmark.Settings s = BdlmBenchmark.Settings.quick(1);
        try (NDManager m = NDManager.newBaseManager()) {
            for (BdlmBenchmark.Mode mode : BdlmBenchmark.Mode.values()) {
                BdlmBenchmark.StepTimes t = BdlmBenchmark.sftStep(mode, s, m);
                assertTrue(t.smallSeconds() > 0 && t.largeSeconds() > 0 && Double.isFinite(t.ratio()), mode + " " + t);
            }
        }
    }

    @Test
    void batchesHoldAFewIdTokensOfTheSmallTableAndOneAnswer() {
        BdlmBenchmark.Settings s = BdlmBenchmark.Settings.quick(1);
        int vocab = s.model().vocabSize();
        List<List<TrainBatch>> batches = BdlmBenchmark.batches(s);
        assertEquals(s.batches(), batches.size());
        for (List<TrainBatch> step : batches) {
            assertEquals(1, step.size());
            TrainBatch b = step.get(0);
            assertEquals(s.batch(), b.ids().length);
            assertEquals(s.batch(), b.lossTokens());
            for (int row = 0; row < s.batch(); row++) {
                int[] ids = b.ids()[row];
                int[] labels = b.labels()[row];
                int last = ids.length - 1;
                assertEquals(ids[last], labels[last]);
                int answer = labels[last];
                if (row % 2 == 0) {
                    assertTrue(answer == vocab / 2 || answer == vocab / 2 + 1, "Yes/No answer " + answer);
                } else {
                    assertTrue(answer >= vocab + s.smallIds() / 2 && answer < vocab + s.smallIds(), "item answer " + answer);
                }
                long idTokens = java.util.Arrays.stream(ids, 0, last).filter(id -> id >= vocab).count();
                assertEquals(s.idsPerPrompt(), idTokens);
                assertTrue(java.util.Arrays.stream(ids).allMatch(id -> id < vocab + s.smallIds()));
                int real = (int) java.util.Arrays.stream(b.mask()[row]).filter(v -> v == 1).count() - 1;
                assertTrue(Math.abs(real - s.promptTokens()) <= s.promptTokens() / 10, "prompt of " + real);
            }
        }
        // Seeded: the same batches every time.
        assertEquals(java.util.Arrays.deepToString(batches.get(0).get(0).ids()),
                java.util.Arrays.deepToString(BdlmBenchmark.batches(s).get(0).get(0).ids()));
    }

    @Test
    void ratioIsTheLargeTablesStepOverTheSmallOnes() {
        BdlmBenchmark.StepTimes t = new BdlmBenchmark.StepTimes(0.4, 0.5, 0.3, 0.6);
        assertEquals(1.25, t.ratio(), 1e-12);
        assertEquals(2.0, t.medianRatio(), 1e-12);
    }

    @Test
    void settingsNameTheBadField() {
        BdlmBenchmark.Settings q = BdlmBenchmark.Settings.quick(1);
        var e = assertThrows(IllegalArgumentException.class, () -> new BdlmBenchmark.Settings(q.model(), 50, 10, 2, 24, 3, 2,
                1, 1, 1, 1));
        assertEquals("largeIds must be >= smallIds 50, got 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BdlmBenchmark.Settings(q.model(), 50, 500, 0, 24, 3, 2,
                1, 1, 1, 1));
        assertEquals("batch must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BdlmBenchmark.Settings.demo(0, 1));
        assertEquals("steps must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BdlmBenchmark.Settings.demo(1, 0));
        assertEquals("beforeSteps must be > 0, got 0", e.getMessage());
        assertEquals(100_000, BdlmBenchmark.Settings.demo(1, 1).largeIds());
    }
}
