package org.tandemrec.base;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * Independent jobs (baseline models, each with its own seed) run side by side on a few daemon
 * threads. Results come back in the order the jobs were given, so whatever a caller builds from
 * them does not depend on the thread count or on which job ends first; the jobs may start in
 * another order, the longest first, so the last to start is a short one.
 */
public final class SideBySide {
    /** One job: returns its result or fails. */
    @FunctionalInterface
    public interface Job<T> {
        T run() throws IOException;
    }

    private SideBySide() {
    }

    /** Threads for {@code jobs} jobs: one per core, at most one per job. */
    public static int threadsFor(int jobs) {
        return Math.max(1, Math.min(jobs, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Runs {@code jobs} on {@code threads} threads, starting them in {@code startOrder} (indices
     * into {@code jobs}; null: as given), and returns their results in the order of {@code jobs}.
     * The first failure in that order is rethrown as it was (the other jobs are cancelled).
     */
    public static <T> List<T> run(List<Job<T>> jobs, int threads, int[] startOrder) throws IOException {
        int n = jobs.size();
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, got " + threads);
        }
        int[] order = startOrder == null ? IntStream.range(0, n).toArray() : startOrder.clone();
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, IntStream.range(0, n).toArray())) {
            throw new IllegalArgumentException("startOrder must be a permutation of 0.." + (n - 1));
        }
        List<T> results = new ArrayList<>(n);
        if (threads == 1 || n <= 1) {
            for (Job<T> job : jobs) {
                results.add(job.run());
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, n), r -> {
            Thread t = new Thread(r, "tandem-side-by-side");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(Collections.nCopies(n, null));
            for (int k : order) {
                Job<T> job = jobs.get(k);
                futures.set(k, pool.submit(job::run));
            }
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for jobs", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
