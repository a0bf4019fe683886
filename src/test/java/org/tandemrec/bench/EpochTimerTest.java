package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tandemrec.crm.CrmSpec;
import org.tandemrec.crm.cf.MatrixFactorization;
import org.tandemrec.crm.cf.MfConfig;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.TrainConfig;

/** The warm-epoch timer: what it leaves out, what it keeps, and where it cuts a run. */
class EpochTimerTest {
    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theFirstEpochAndWhatCameBeforeAreLeftOut() {
        EpochTimer t = new EpochTimer();
        sleep(300); // setup: never timed
        t.shouldStop(1);
        sleep(300); // the first (cold) epoch: not timed either
        t.epochEnd(0, 1, Double.NaN);
        assertThrows(IllegalStateException.class, t::bestWarmEpochSeconds);
        sleep(20);
        t.shouldStop(2);
        t.epochEnd(1, 1, Double.NaN);
        sleep(200);
        t.shouldStop(3);
        t.epochEnd(2, 1, Double.NaN);
        double best = t.bestWarmEpochSeconds();
        // Slack above for a loaded machine's late wake-ups; any other epoch would be >= 200 ms.
        assertTrue(best >= 0.019 && best < 0.15, "the fastest warm epoch, ~20 ms: " + best);
    }

    @Test
    void anEpochFromItsStepsLeavesOutTheFirstStepAndIsCutAfterItsBudget() {
        EpochTimer t = new EpochTimer(100, 0.05);
        sleep(500); // setup and the first step
        assertFalse(t.shouldStop(1));
        sleep(30);
        assertFalse(t.shouldStop(2), "30 ms into a 50 ms budget");
        sleep(30);
        assertTrue(t.shouldStop(3), "past the budget");
        assertEquals(2, t.stepsTimed());
        double epoch = t.epochFromStepsSeconds();
        // Two steps of ~30 ms timed: 100 steps take ~3 s; with the 500 ms before the first step it would be ~28 s.
        assertTrue(epoch >= 2.9 && epoch < 15, "extrapolated epoch: " + epoch);
        var e = assertThrows(IllegalArgumentException.class, () -> new EpochTimer(1, 1));
        assertEquals("stepsPerEpoch must be >= 2, got 1", e.getMessage());
    }

    @Test
    void aRealRunReportsEveryEpochToTheTimer() {
        InteractionTable table = CrmBenchmark.randomInteractions(50, 40, 2000, 1);
        TrainConfig tc = CrmSpec.defaults("mf-bpr").train().toBuilder().epochs(3).batchSize(256).build();
        EpochTimer t = new EpochTimer();
        MatrixFactorization.fit(table, MfConfig.bpr(8), tc, t.hooks(), null);
        assertTrue(t.bestWarmEpochSeconds() > 0);
        assertEquals(3 * 8 - 1, t.stepsTimed(), "8 steps per epoch, all but the first timed");
    }
}
