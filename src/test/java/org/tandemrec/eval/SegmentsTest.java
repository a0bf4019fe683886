package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentsTest {
    @Test
    void warmColdByTrainingCount() {
        int[] counts = {0, 4, 5, 100};
        assertArrayEquals(new String[] {"cold", "warm", "cold", "warm", "cold"},
                Segments.warmCold(new int[] {0, 3, 1, 2, 1}, counts, 5));
        assertThrows(IllegalArgumentException.class, () -> Segments.warmCold(new int[] {4}, counts, 5));
    }

    @Test
    void activityBucketsAndTheirOrder() {
        int[] counts = {0, 4, 5, 19, 20, 300};
        String[] seg = Segments.activityBuckets(new int[] {0, 1, 2, 3, 4, 5}, counts, new int[] {0, 5, 20});
        assertArrayEquals(new String[] {"activity 0-4", "activity 0-4", "activity 5-19", "activity 5-19",
            "activity 20+", "activity 20+"}, seg);
        assertEquals(List.of("all", "activity 0-4", "activity 5-19", "activity 20+"),
                List.copyOf(SegmentedEvaluator.groups(seg, seg.length).keySet()));
        assertThrows(IllegalArgumentException.class,
                () -> Segments.activityBuckets(new int[] {0}, counts, new int[] {1, 5}));
        assertThrows(IllegalArgumentException.class,
                () -> Segments.activityBuckets(new int[] {0}, counts, new int[] {0, 5, 5}));
    }
}
