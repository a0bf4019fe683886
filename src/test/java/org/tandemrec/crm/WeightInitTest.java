package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.train.Parameter;

class WeightInitTest {
    @Test
    void normalScalesTheStreamsGaussians() {
        float[] a = WeightInit.normal(4, 0.5, new SplittableRandom(3));
        SplittableRandom r = new SplittableRandom(3);
        for (float v : a) {
            assertEquals((float) (r.nextGaussian() * 0.5), v);
        }
    }

    @Test
    void glorotAndHeUseTheirFanScales() {
        Parameter g = WeightInit.glorotNormal("g", 6, 2, new SplittableRandom(1));
        assertEquals(6, g.rows());
        assertEquals(2, g.cols());
        assertArrayEquals(WeightInit.normal(12, Math.sqrt(2.0 / 8), new SplittableRandom(1)), g.value());
        Parameter h = WeightInit.heNormal("h", 8, 3, new SplittableRandom(1));
        assertArrayEquals(WeightInit.normal(24, 0.5, new SplittableRandom(1)), h.value());
        float[] u = WeightInit.glorotUniform(10, 5, new SplittableRandom(2));
        assertEquals(50, u.length);
        for (float v : u) {
            assertTrue(Math.abs(v) <= Math.sqrt(6.0 / 15), "outside the Glorot bound: " + v);
        }
    }

    @Test
    void constantVectors() {
        assertArrayEquals(new float[] {0, 0, 0}, WeightInit.zeros("b", 3).value());
        assertArrayEquals(new float[] {1, 1}, WeightInit.ones("g", 2).value());
        assertEquals(1, WeightInit.ones("g", 2).rows());
    }
}
