package org.tandemrec.base;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a loop over rows on a fixed number of daemon threads, in contiguous chunks. Each row's
 * result depends only on that row, so results do not depend on the thread count.
 */
public final class RowParallel implements AutoCloseable {
    /** Body of the loop over rows [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    public RowParallel(int threads) {
        if (threads <= 0) {
            throw new UsageException("threads must be > 0, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tandem-rows");
            t.setDaemon(true);
            return t;
        });
    }

    /** Splits at {@code bounds} (chunk k is rows bounds[k]..bounds[k+1]) and waits for all chunks. */
    public void run(int[] bounds, Range body) {
        int chunks = bounds.length - 1;
        if (pool == null || chunks == 1) {
            for (int k = 0; k < chunks; k++) {
                body.run(bounds[k], bounds[k + 1]);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks);
        for (int k = 0; k < chunks; k++) {
            int from = bounds[k];
            int to = bounds[k + 1];
            futures.add(pool.submit(() -> body.run(from, to)));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            // The body's own exception, as the one-thread path throws it: what it says (bad data, a
            // fault) must not turn into a generic failure of the pool.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("parallel row kernel failed", e.getCause());
        }
    }

    public int threads() {
        return threads;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
