package org.tandemrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks what the benchmark computes, not how fast (no timed assertions). */
class MetricsBenchmarkTest {
    @Test
    void benchmarkDataHaveTheirAnalyticAuc() {
        // Positives ~ U(0.1, 1.0), negatives ~ U(0, 0.9): with a, b ~ U(0, 1),
        // P(0.1 + 0.9a > 0.9b) = P(b - a < 1/9) = 1 - (8/9)^2 / 2 = 0.60494 (triangular b - a).
        MetricsBenchmark.Timing t = MetricsBenchmark.aucSeconds(1_000_000, 42);
        assertEquals(1 - (64.0 / 81) / 2, t.auc(), 0.003);
        assertTrue(t.seconds() >= 0);
    }
}
