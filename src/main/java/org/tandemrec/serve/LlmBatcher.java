package org.tandemrec.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Micro-batching of LLM prompts across requests: one worker thread takes the waiting prompts,
 * up to {@code maxBatch}, once the batch is full or its first prompt has waited {@code maxWait},
 * and scores them in one call (one forward pass per batch of similar length). At most {@code
 * capacity} prompts wait; a prompt offered beyond that is refused at once, so that a saturated
 * LLM costs a request its LLM answer, not its latency.
 */
final class LlmBatcher implements AutoCloseable {
    private record Pending(int[] prompt, CompletableFuture<Float> result, long arrival) {
    }

    private final Function<int[][], float[]> llm;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int capacity;
    private final ServeMetrics metrics;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Thread worker;
    private boolean closed;

    LlmBatcher(Function<int[][], float[]> llm, int maxBatch, int maxWaitMs, int capacity, ServeMetrics metrics) {
        this.llm = llm;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.capacity = capacity;
        this.metrics = metrics;
        metrics.queueDepth(this::depth);
        this.worker = new Thread(this::run, "tandem-llm-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** The answer to come for {@code prompt}, or null when the queue is full (or the batcher closed). */
    CompletableFuture<Float> offer(int[] prompt) {
        lock.lock();
        try {
            if (closed || queue.size() >= capacity) {
                return null;
            }
            Pending p = new Pending(prompt, new CompletableFuture<>(), System.nanoTime());
            queue.add(p);
            arrived.signalAll();
            return p.result();
        } finally {
            lock.unlock();
        }
    }

    long depth() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Pending> batch = next();
            if (batch == null) {
                return;
            }
            int[][] prompts = new int[batch.size()][];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = batch.get(i).prompt();
            }
            try {
                float[] p = llm.apply(prompts);
                metrics.batch(prompts.length);
                for (int i = 0; i < p.length; i++) {
                    batch.get(i).result().complete(p[i]);
                }
            } catch (RuntimeException | Error e) {
                for (Pending q : batch) {
                    q.result().completeExceptionally(e);
                }
            }
        }
    }

    /** The next batch; null once closed and drained. */
    private List<Pending> next() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                arrived.awaitUninterruptibly();
            }
            // A closing batcher does not wait for more: it drains what is there.
            while (queue.size() < maxBatch && !closed) {
                long left = queue.peek().arrival() + maxWaitNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            List<Pending> batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
            while (!queue.isEmpty() && batch.size() < maxBatch) {
                batch.add(queue.poll());
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new prompts, answers the waiting ones, and stops the worker. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
