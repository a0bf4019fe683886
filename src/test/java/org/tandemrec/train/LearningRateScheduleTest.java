package org.tandemrec.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The schedules against transformers' formulas, written out here. */
class LearningRateScheduleTest {
    /**
     * transformers' {@code get_cosine_with_min_lr_schedule_with_warmup} (r = 0: {@code
     * get_cosine_schedule_with_warmup}) as a multiplier of the peak, with one cycle:
     * s &lt; W: s / max(1, W); else p = (s − W) / max(1, T − W) and r + (1 − r)·½(1 + cos(π·p)).
     */
    private static double cosineWithMinLr(long s, int w, long t, double r) {
        if (s < w) {
            return (double) s / Math.max(1, w);
        }
        double p = (double) (s - w) / Math.max(1, t - w);
        return r + (1 - r) * 0.5 * (1.0 + Math.cos(Math.PI * p));
    }

    @Test
    void schedulesFollowTheirFormulas() {
        var lin = new LearningRateSchedule(TrainConfig.ScheduleKind.WARMUP_LINEAR, 1.0, 10, 110, 0);
        assertEquals(0.0, lin.at(0), 0);
        assertEquals(0.5, lin.at(5), 1e-12);
        assertEquals(1.0, lin.at(10), 1e-12);
        assertEquals(0.5, lin.at(60), 1e-12);
        var cos = new LearningRateSchedule(TrainConfig.ScheduleKind.COSINE, 2.0, 0, 100, 0);
        assertEquals(2.0, cos.at(0), 1e-12);
        assertEquals(1.0, cos.at(50), 1e-12);
        assertEquals(0.0, cos.at(100), 1e-12);
        var con = new LearningRateSchedule(TrainConfig.ScheduleKind.CONSTANT, 0.3, 4, 100, 0);
        assertEquals(0.15, con.at(2), 1e-12);
        assertEquals(0.3, con.at(99), 1e-12);
    }

    @Test
    void cosineWithAFloorWarmsUpFromZeroAndDecaysToTheFloor() {
        double peak = 3e-3;
        int w = 4;
        long t = 14;
        double r = 0.1;
        var s = new LearningRateSchedule(TrainConfig.ScheduleKind.COSINE, peak, w, t, r);
        // warm-up: step 0 at rate 0, then linear; the peak at step W
        assertEquals(0.0, s.at(0), 0);
        assertEquals(peak * cosineWithMinLr(3, w, t, r), s.at(3), 1e-15);
        assertEquals(peak * 0.75, s.at(3), 1e-15);
        assertEquals(peak, s.at(4), 1e-15);
        // half-way through the decay: r + (1 − r)·½ = 0.55 of the peak
        assertEquals(peak * cosineWithMinLr(9, w, t, r), s.at(9), 1e-15);
        assertEquals(peak * 0.55, s.at(9), 1e-15);
        assertEquals(peak * cosineWithMinLr(11, w, t, r), s.at(11), 1e-15);
        // the end is the floor, and the rate stays there
        assertEquals(peak * 0.1, s.at(14), 1e-15);
        assertEquals(peak * 0.1, s.at(20), 1e-15);
        for (long step = 0; step <= t; step++) {
            assertEquals(peak * cosineWithMinLr(step, w, t, r), s.at(step), 1e-15, "step " + step);
        }
    }

    @Test
    void linearDecayHasTheSameFloor() {
        var s = new LearningRateSchedule(TrainConfig.ScheduleKind.WARMUP_LINEAR, 1.0, 0, 10, 0.2);
        // r + (1 − r)·(1 − p)
        assertEquals(1.0, s.at(0), 1e-15);
        assertEquals(0.2 + 0.8 * 0.5, s.at(5), 1e-15);
        assertEquals(0.2, s.at(10), 1e-15);
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(TrainConfig.ScheduleKind.COSINE, 1, -1, 10, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(TrainConfig.ScheduleKind.COSINE, 1, 1, 10, 1.5));
        var e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().schedule(TrainConfig.ScheduleKind.CONSTANT).minLrRatio(0.1).build());
        assertTrue(e.getMessage().startsWith("min_lr_ratio"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().skipNonFiniteSteps(-1).build());
        assertTrue(e.getMessage().startsWith("skip_non_finite_steps"), e.getMessage());
        var c = TrainConfig.builder().schedule(TrainConfig.ScheduleKind.COSINE).learningRate(2).warmupSteps(2)
                .minLrRatio(0.25).build();
        assertEquals(new LearningRateSchedule(TrainConfig.ScheduleKind.COSINE, 2, 2, 50, 0.25), LearningRateSchedule.of(c, 50));
    }
}
