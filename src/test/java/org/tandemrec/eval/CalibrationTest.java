package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {
    @Test
    void binsByTenthsWithMeansRatesAndCounts() {
        boolean[] y = {false, true, true, false, true, true};
        float[] p = {0.05f, 0.35f, 0.31f, 0.32f, 0.95f, 1.0f};
        Calibration c = Calibration.of(y, p);
        assertEquals(3, c.bins().size(), "empty bins are left out");
        Calibration.Bin low = c.bins().get(0);
        assertEquals(0, low.index());
        assertEquals(0.05, low.meanPredicted(), 1e-7);
        assertEquals(0.0, low.observedRate());
        assertEquals(1, low.count());
        Calibration.Bin mid = c.bins().get(1);
        assertEquals(3, mid.index());
        assertEquals((0.35 + 0.31 + 0.32) / 3, mid.meanPredicted(), 1e-7);
        assertEquals(2.0 / 3, mid.observedRate(), 1e-12);
        assertEquals(3, mid.count());
        Calibration.Bin top = c.bins().get(2);
        assertEquals(9, top.index(), "p = 1 belongs to the last bin");
        assertEquals(2, top.count());
        assertEquals(1.0, top.observedRate());
        // ECE = (1·0.05 + 3·|2/3 − 0.3267| + 2·|1 − 0.975|) / 6
        double expected = (0.05 + 3 * Math.abs(2.0 / 3 - (0.35 + 0.31 + 0.32) / 3) + 2 * Math.abs(1 - (0.95 + 1.0) / 2)) / 6;
        assertEquals(expected, c.expectedError(), 1e-7);
    }

    @Test
    void perfectlyCalibratedScoresHaveNoError() {
        // Within each bin the share of positives equals the one predicted value.
        boolean[] y = {true, false, false, false, false, true, true, true, true, false};
        float[] p = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.8f, 0.8f, 0.8f, 0.8f, 0.8f};
        assertEquals(0.0, Calibration.of(y, p).expectedError(), 1e-7);
    }

    @Test
    void refusesWhatIsNotAProbabilityOrOutOfOrder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calibration.of(new boolean[] {true}, new float[] {1.2f}));
        assertTrue(e.getMessage().contains("scores[0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Calibration(List.of(new Calibration.Bin(3, 0.3, 0.5, 2), new Calibration.Bin(1, 0.1, 0.0, 1))));
        assertThrows(IllegalArgumentException.class, () -> new Calibration.Bin(10, 0.5, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new Calibration.Bin(1, 0.15, 0.5, 0));
    }
}
