package org.tandemrec.crm.ctr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlattScalingTest {
    /**
     * Labels drawn from σ(0.5·z − 0.3) with seeded randomness: maximum likelihood must recover
     * the generating (a, b) up to sampling error (standard error ≈ 0.01 at this size).
     */
    @Test
    void recoversTheGeneratingScaleAndShift() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 100_000;
        float[] z = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) (r.nextGaussian() * 3);
            double p = 1 / (1 + Math.exp(-(0.5 * z[i] - 0.3)));
            y[i] = r.nextDouble() < p ? 1 : 0;
        }
        PlattScaling c = PlattScaling.fit(z, y);
        assertEquals(0.5, c.scale(), 0.03);
        assertEquals(-0.3, c.shift(), 0.05);
        // The optimum: neither a small change of a nor of b lowers the loss.
        double at = PlattScaling.loss(z, y, c.scale(), c.shift());
        for (double[] d : new double[][] {{1e-3, 0}, {-1e-3, 0}, {0, 1e-3}, {0, -1e-3}}) {
            assertTrue(PlattScaling.loss(z, y, c.scale() + d[0], c.shift() + d[1]) >= at);
        }
        assertTrue(at < PlattScaling.loss(z, y, 1, 0));
    }

    @Test
    void isMonotoneAndIdentityByDefault() {
        PlattScaling c = new PlattScaling(0.5, 0.2);
        assertTrue(c.probability(-1f) < c.probability(0f) && c.probability(0f) < c.probability(2f));
        assertEquals(1 / (1 + Math.exp(-(0.5 * 2 + 0.2))), c.probability(2f), 1e-7);
        assertEquals(0.5f, PlattScaling.identity().probability(0f));
    }

    @Test
    void constantLogitsGetTheObservedRate() {
        PlattScaling c = PlattScaling.fit(new float[] {2, 2, 2, 2}, new float[] {1, 0, 0, 0});
        assertEquals(1, c.scale());
        assertEquals(0.25f, c.probability(2f), 1e-6f);
    }

    @Test
    void refusesUnusableInput() {
        assertThrows(IllegalArgumentException.class, () -> PlattScaling.fit(new float[] {1, 2}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> PlattScaling.fit(new float[] {1, 2}, new float[] {1, 0.5f}));
        assertEquals("scale must be > 0 and finite, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new PlattScaling(0, 0)).getMessage());
    }
}
