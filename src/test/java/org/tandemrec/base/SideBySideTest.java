package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SideBySideTest {
    @Test
    void resultsComeInTheJobsOrderWhateverEndsFirst() throws IOException {
        CountDownLatch secondDone = new CountDownLatch(1);
        // The first job can only end after the second: they run at the same time.
        List<SideBySide.Job<String>> jobs = List.of(() -> {
            try {
                assertTrue(secondDone.await(30, TimeUnit.SECONDS), "the second job never ran beside the first");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "first";
        }, () -> {
            secondDone.countDown();
            return "second";
        });
        assertEquals(List.of("first", "second"), SideBySide.run(jobs, 2, null));
    }

    @Test
    void jobsStartInTheGivenOrder() throws IOException {
        // Two threads, start order 2, 0, 1: jobs 2 and 0 run together (each waits for the other
        // to start), job 1 only once a thread is free, after job 2 has started.
        CountDownLatch bothStarted = new CountDownLatch(2);
        AtomicBoolean twoStarted = new AtomicBoolean();
        SideBySide.Job<String> waits = () -> {
            bothStarted.countDown();
            try {
                assertTrue(bothStarted.await(30, TimeUnit.SECONDS), "jobs 0 and 2 did not start together");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "waited";
        };
        List<SideBySide.Job<String>> jobs = List.of(waits, () -> twoStarted.get() ? "after" : "before", () -> {
            twoStarted.set(true);
            return waits.run();
        });
        assertEquals(List.of("waited", "after", "waited"), SideBySide.run(jobs, 2, new int[] {2, 0, 1}));
    }

    @Test
    void theFirstFailureInTheJobsOrderIsRethrownAsItWas() {
        IOException bad = new IOException("data.tsv: line 3: bad");
        List<SideBySide.Job<Integer>> jobs = List.of(() -> 1, () -> {
            throw bad;
        }, () -> {
            throw new IllegalArgumentException("later");
        });
        assertSame(bad, assertThrows(IOException.class, () -> SideBySide.run(jobs, 2, null)));
        assertSame(bad, assertThrows(IOException.class, () -> SideBySide.run(jobs, 1, null)));
    }

    @Test
    void aStartOrderThatIsNotAPermutationIsRefused() {
        List<SideBySide.Job<Integer>> jobs = List.of(() -> 1, () -> 2);
        assertThrows(IllegalArgumentException.class, () -> SideBySide.run(jobs, 2, new int[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> SideBySide.run(jobs, 0, null));
        assertEquals(1, SideBySide.threadsFor(1));
        assertEquals(1, SideBySide.threadsFor(0));
    }
}
