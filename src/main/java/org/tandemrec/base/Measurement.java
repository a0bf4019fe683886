package org.tandemrec.base;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.Callable;

/**
 * Wall time and retained heap of a piece of work, for the {@code tandem bench} figures. Timing
 * takes the best of several runs after warm-up runs, so JIT compilation and a cold page cache
 * do not count; retained heap is used heap after full collections, with the result held,
 * minus the same before.
 */
public final class Measurement {
    private Measurement() {
    }

    /** The shortest of {@code runs} timed runs in seconds, after {@code warmups} untimed runs. */
    public static double bestSeconds(int warmups, int runs, Callable<?> task) throws Exception {
        if (warmups < 0 || runs < 1) {
            throw new IllegalArgumentException("need warmups >= 0 and runs >= 1, got " + warmups + " and " + runs);
        }
        for (int k = 0; k < warmups; k++) {
            Reference.reachabilityFence(task.call());
        }
        long best = Long.MAX_VALUE;
        for (int k = 0; k < runs; k++) {
            long t0 = System.nanoTime();
            Object v = task.call();
            best = Math.min(best, System.nanoTime() - t0);
            Reference.reachabilityFence(v);
        }
        return best / 1e9;
    }

    /** Bytes of heap that the task's result keeps alive (including what it shares with nothing else). */
    public static long retainedBytes(Callable<?> task) throws Exception {
        long before = usedAfterGc();
        Object v = task.call();
        long after = usedAfterGc();
        Reference.reachabilityFence(v);
        return after - before;
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Collections can free more on a second pass (finalizable or weakly reachable objects).
        for (int k = 0; k < 4; k++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
