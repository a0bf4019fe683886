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

    /** Nine active users with 1..9 training interactions: cut points 3 and 6; a user without any is in t1. */
    @Test
    void activityTercilesCutAtTheQuantilesOfActiveUsers() {
        int[] counts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
        String[] s = Segments.activityTerciles(new int[] {0, 2, 3, 5, 6, 8, 9}, counts);
        assertArrayEquals(new String[] {"activity-t1", "activity-t1", "activity-t2", "activity-t2", "activity-t3",
                "activity-t3", "activity-t1"}, s);
        assertThrows(IllegalArgumentException.class, () -> Segments.activityTerciles(new int[] {10}, counts));
    }

    /** Several segmentations at once: each example in one segment of each, "all" once. */
    @Test
    void severalSegmentationsInOneCall() {
        Provenance p = new Provenance("topk", "m", "d", "s", 1L);
        int[] ranks = {1, 2, 3, 4};
        List<MetricRecord> r = SegmentedEvaluator.topK(p, ranks, List.of(new String[] {"warm", "cold", "warm", "warm"},
                new String[] {"activity-t1", "activity-t1", "activity-t2", "activity-t3"}), 1);
        assertEquals(List.of("all", "activity-t1", "activity-t2", "activity-t3", "cold", "warm"),
                r.stream().map(MetricRecord::segment).toList());
        assertEquals(2, r.get(1).count());
        assertEquals(0.5, r.get(1).metrics().get("hr@1"), 1e-12);
        assertEquals(1.0 / 3, r.get(5).metrics().get("hr@1"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SegmentedEvaluator.topK(p, ranks,
                List.of(new String[] {"a", "a", "a", "a"}, new String[] {"a", "b", "a", "b"}), 1));
    }
}
